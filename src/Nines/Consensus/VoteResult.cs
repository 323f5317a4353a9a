using Microsoft.Extensions.AI;

namespace Nines.Consensus;

/// <summary>The outcome of a vote across samples.</summary>
/// <typeparam name="T">The answer's type.</typeparam>
public sealed class VoteResult<T>
{
    internal VoteResult(
        T winner, string winnerKey, IReadOnlyDictionary<string, int> votes, int samplesDrawn, IReadOnlyList<RedFlag> redFlags,
        UsageDetails usage, bool reachedMargin, bool escalated, ChatResponse response)
    {
        Winner = winner;
        WinnerKey = winnerKey;
        Votes = votes;
        SamplesDrawn = samplesDrawn;
        RedFlags = redFlags;
        Usage = usage;
        ReachedMargin = reachedMargin;
        Escalated = escalated;
        Response = response;
    }

    /// <summary>Gets the winning answer.</summary>
    public T Winner { get; }

    /// <summary>Gets the winning answer's canonical key.</summary>
    public string WinnerKey { get; }

    /// <summary>Gets the votes per canonical answer key (red-flagged samples do not vote; an escalated answer does not either).</summary>
    public IReadOnlyDictionary<string, int> Votes { get; }

    /// <summary>Gets the number of samples drawn, red-flagged ones included (an escalation is not counted).</summary>
    public int SamplesDrawn { get; }

    /// <summary>Gets the number of samples discarded by a red flag.</summary>
    public int SamplesRedFlagged => RedFlags.Count;

    /// <summary>Gets the discarded samples, with why each was discarded.</summary>
    public IReadOnlyList<RedFlag> RedFlags { get; }

    /// <summary>Gets the number of discarded samples per red flag reason.</summary>
    public IReadOnlyDictionary<RedFlagReason, int> RedFlagsByReason =>
        RedFlags.GroupBy(f => f.Reason).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Gets the tokens used, summed across every sample (red-flagged ones and any escalation included).</summary>
    public UsageDetails Usage { get; }

    /// <summary>Gets a value indicating whether the winner reached the required margin (or unique plurality) by vote.</summary>
    public bool ReachedMargin { get; }

    /// <summary>Gets a value indicating whether the winner came from the escalation hook.</summary>
    public bool Escalated { get; }

    /// <summary>Gets the lead of the winner's votes over the runner-up's.</summary>
    public int Margin => Votes.TryGetValue(WinnerKey, out var top) ? top - Votes.Where(v => v.Key != WinnerKey).Select(v => v.Value).DefaultIfEmpty(0).Max() : 0;

    /// <summary>Gets the response that carried the winning answer.</summary>
    public ChatResponse Response { get; }
}
