namespace Nines.Chaos;

/// <summary>A kind of fault that chaos injection can put into a model call.</summary>
public enum ChaosFaultKind
{
    /// <summary>Extra delay before the call goes through (JSON name <c>latency</c>).</summary>
    Latency,

    /// <summary>The call never answers until it is cancelled (JSON name <c>hang</c>).</summary>
    Hang,

    /// <summary>HTTP 429 Too Many Requests with a <c>Retry-After</c> hint (JSON name <c>rateLimit</c>).</summary>
    RateLimit,

    /// <summary>HTTP 500 Internal Server Error (JSON name <c>serverError</c>).</summary>
    ServerError,

    /// <summary>HTTP 503 Service Unavailable (JSON name <c>serviceUnavailable</c>).</summary>
    ServiceUnavailable,

    /// <summary>The connection was reset before a response arrived (JSON name <c>connectionReset</c>).</summary>
    ConnectionReset,

    /// <summary>The reply's JSON is corrupted so that it no longer parses (JSON name <c>malformedJson</c>).</summary>
    MalformedJson,

    /// <summary>The reply is cut short and marked <c>finish_reason=length</c> (JSON name <c>truncation</c>).</summary>
    Truncation,

    /// <summary>The reply is replaced by a refusal, marked <c>finish_reason=content_filter</c> (JSON name <c>refusal</c>).</summary>
    Refusal,

    /// <summary>The reply is empty (JSON name <c>emptyOutput</c>).</summary>
    EmptyOutput,

    /// <summary>One value of the reply is changed so it stays well formed but is wrong (JSON name <c>wrongAnswer</c>).</summary>
    WrongAnswer,

    /// <summary>An "ignore previous instructions" line is appended to the tool results in the request (JSON name <c>injectedInstruction</c>).</summary>
    InjectedInstruction,
}
