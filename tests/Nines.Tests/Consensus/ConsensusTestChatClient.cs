using Microsoft.Extensions.AI;

namespace Nines.Tests.Consensus;

/// <summary>A callback fake chat client for voting tests: numbers its calls and tracks how many are in flight at once.</summary>
internal sealed class ConsensusTestChatClient : IChatClient
{
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Gets or sets the reply to call number n (starting at 1).</summary>
    public Func<int, ChatOptions?, CancellationToken, ChatResponse>? OnGetResponse { get; set; }

    /// <summary>Gets or sets how many times each call yields before answering, so that calls overlap.</summary>
    public int Yields { get; set; }

    /// <summary>
    /// Gets or sets an in-flight count each call waits for (yielding for at most 10 s of real time, never sleeping) before it
    /// answers, so overlap does not depend on thread timing.
    /// </summary>
    public int HoldUntilInFlight { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public List<ChatOptions?> Options { get; } = [];

    /// <summary>A client whose n-th call returns texts[n-1] (the last one repeats).</summary>
    public static ConsensusTestChatClient Answering(params string[] texts) =>
        new() { OnGetResponse = (n, _, _) => Reply(texts[Math.Min(n, texts.Length) - 1]) };

    public static ChatResponse Reply(string text, long outputTokens = 5, ChatFinishReason? finish = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            FinishReason = finish ?? ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = outputTokens, TotalTokenCount = 10 + outputTokens },
        };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var number = Interlocked.Increment(ref _calls);
        lock (Options)
        {
            Options.Add(options);
        }

        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            for (var i = 0; i < Yields; i++)
            {
                await Task.Yield();
            }

            // Bounded by elapsed time rather than a spin count: on a loaded CI machine the other calls may take a
            // while to be scheduled. It only waits that long when a test's expected overlap never happens.
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _maxInFlight) < HoldUntilInFlight && System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10))
            {
                await Task.Yield();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return (OnGetResponse ?? throw new InvalidOperationException("OnGetResponse is not set."))(number, options, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
