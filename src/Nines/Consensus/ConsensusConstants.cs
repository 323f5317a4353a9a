namespace Nines.Consensus;

/// <summary>Defaults and shared names for the consensus layer.</summary>
internal static class ConsensusConstants
{
    public const int DefaultK = 3;

    public const int DefaultSamples = 5;

    public const int DefaultMaxSamples = 20;

    public const int DefaultMaxParallelism = 4;

    public const string LayerName = "consensus";

    /// <summary>Key <c>VoteAsync&lt;T&gt;</c> sets so a consensus middleware in the same pipeline does not vote a second time.</summary>
    public const string HandledMarkerKey = "nines.consensus.handled";

    /// <summary>Characters per token assumed when a provider reports no output token count.</summary>
    public const int CharsPerToken = 4;
}
