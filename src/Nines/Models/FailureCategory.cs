namespace Nines.Models;

/// <summary>Why a model call, a sample or a trial failed. Shared by every layer so reports can build one failure taxonomy.</summary>
public enum FailureCategory
{
    /// <summary>No failure.</summary>
    None = 0,

    /// <summary>The provider answered HTTP 429 (too many requests).</summary>
    RateLimited,

    /// <summary>The provider answered HTTP 5xx, or 408.</summary>
    ServerError,

    /// <summary>An attempt or the whole call ran out of time, or the provider hung.</summary>
    Timeout,

    /// <summary>The connection was reset or refused before a response arrived.</summary>
    ConnectionReset,

    /// <summary>A circuit breaker was open and the call was not attempted.</summary>
    CircuitOpen,

    /// <summary>A client-side rate limiter rejected the call.</summary>
    RateLimiterRejected,

    /// <summary>The caller cancelled the call.</summary>
    Canceled,

    /// <summary>The reply was expected to be JSON but did not parse.</summary>
    MalformedJson,

    /// <summary>The reply parsed but did not satisfy the JSON schema or DataAnnotations.</summary>
    SchemaViolation,

    /// <summary>The reply satisfied the schema but broke a semantic rule.</summary>
    RuleViolation,

    /// <summary>The reply stopped because it hit the output token limit (<c>finish_reason=length</c>).</summary>
    Truncated,

    /// <summary>The model refused to answer.</summary>
    Refusal,

    /// <summary>The reply was empty.</summary>
    EmptyOutput,

    /// <summary>The reply was well formed and valid, but wrong.</summary>
    WrongAnswer,

    /// <summary>Voting ended without any answer reaching the required margin.</summary>
    NoConsensus,

    /// <summary>The provider rejected the request as invalid (HTTP 4xx other than 408 and 429).</summary>
    BadRequest,

    /// <summary>Anything else.</summary>
    Other,
}
