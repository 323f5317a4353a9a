namespace Nines.Consensus;

/// <summary>How samples are turned into one answer.</summary>
public enum ConsensusMode
{
    /// <summary>
    /// Sample until one answer leads every other answer by <see cref="ConsensusOptions.K"/> votes (MAKER, Meyerson et al.
    /// 2025). With per-sample accuracy p and one wrong answer, the right answer wins with probability 1 / (1 + ((1−p)/p)^k).
    /// </summary>
    FirstToAheadByK = 0,

    /// <summary>
    /// Collect <see cref="ConsensusOptions.Samples"/> valid votes and take the most common answer (a unique plurality is
    /// required); stops early once no remaining vote could change the winner.
    /// </summary>
    Majority,
}
