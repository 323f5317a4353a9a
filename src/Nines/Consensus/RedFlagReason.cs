namespace Nines.Consensus;

/// <summary>Why a sample was discarded before it could vote.</summary>
public enum RedFlagReason
{
    /// <summary>The reply used more output tokens than <see cref="ConsensusOptions.MaxOutputTokens"/>.</summary>
    TokenCap = 0,

    /// <summary>The reply was empty, truncated, a refusal, or not in the requested format (malformed JSON, schema violation).</summary>
    Format,

    /// <summary>The reply failed the <c>Contract&lt;T&gt;</c> (schema, DataAnnotations or a rule).</summary>
    Contract,

    /// <summary>The caller's <see cref="ConsensusOptions.RedFlag"/> hook returned a reason.</summary>
    Caller,
}
