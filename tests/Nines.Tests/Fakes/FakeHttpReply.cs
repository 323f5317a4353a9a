namespace Nines.Tests.Fakes;

/// <summary>What the fake server answers to one request.</summary>
public sealed class FakeHttpReply
{
    public int Status { get; init; } = 200;

    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public string ContentType { get; init; } = "application/json";

    public string Body { get; init; } = "";

    /// <summary>When set, the body is sent as these server-sent-event frames, flushed one by one (chunked).</summary>
    public IReadOnlyList<string>? SseFrames { get; init; }

    /// <summary>When true, the server reads the request and never answers.</summary>
    public bool Hang { get; init; }

    public static FakeHttpReply Json(string body, int status = 200) => new() { Status = status, Body = body };

    public static FakeHttpReply Sse(IEnumerable<string> frames) => new() { ContentType = "text/event-stream", SseFrames = [.. frames] };

    public static FakeHttpReply Error(int status, string body, string? retryAfter = null)
    {
        var reply = new FakeHttpReply { Status = status, Body = body };
        if (retryAfter is not null)
        {
            reply.Headers["Retry-After"] = retryAfter;
        }

        return reply;
    }

    public static FakeHttpReply NeverAnswer() => new() { Hang = true };
}
