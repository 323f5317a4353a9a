using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Resilience;

/// <summary>What one logical call through <see cref="ResilienceChatClient"/> has done so far.</summary>
/// <remarks>Hedged attempts may update it concurrently, hence the interlocked counters and the lock.</remarks>
internal sealed class ResilienceCallState
{
    private List<FailureCategory>? _retryCategories;
    private int _attempts;
    private int _retries;
    private int _fallbacks;
    private int _hedges;

    public ResilienceCallState(
        ResilienceChatClient owner,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        bool streaming,
        CancellationToken callerToken,
        long startTimestamp)
    {
        Owner = owner;
        Messages = messages;
        Options = options;
        Streaming = streaming;
        CallerToken = callerToken;
        StartTimestamp = startTimestamp;
    }

    public ResilienceChatClient Owner { get; }

    public IEnumerable<ChatMessage> Messages { get; }

    public ChatOptions? Options { get; }

    public bool Streaming { get; }

    public CancellationToken CallerToken { get; }

    public long StartTimestamp { get; }

    public int EstimatedTokens { get; set; }

    public int ServedBy { get; set; } = -1;

    public bool TotalTimedOut { get; set; }

    public string? RejectedLimiter { get; set; }

    public int Attempts => Volatile.Read(ref _attempts);

    public int Retries => Volatile.Read(ref _retries);

    public int Fallbacks => Volatile.Read(ref _fallbacks);

    public int Hedges => Volatile.Read(ref _hedges);

    public void AddAttempt() => Interlocked.Increment(ref _attempts);

    public void AddFallback() => Interlocked.Increment(ref _fallbacks);

    public void AddHedge() => Interlocked.Increment(ref _hedges);

    public void AddRetry(FailureCategory category)
    {
        Interlocked.Increment(ref _retries);
        lock (this)
        {
            (_retryCategories ??= []).Add(category);
        }
    }

    public FailureCategory[] RetryCategories()
    {
        lock (this)
        {
            return _retryCategories is null ? [] : [.. _retryCategories];
        }
    }
}
