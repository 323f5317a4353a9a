using System.Threading.RateLimiting;

namespace Nines.Resilience;

/// <summary>
/// The requests-per-minute and tokens-per-minute windows of the primary client. The windows are refilled by a
/// timer of the options' <see cref="TimeProvider"/> (not the limiter's own wall-clock timer), so tests can drive them.
/// </summary>
internal sealed class ResilienceRateLimiters : IDisposable
{
    private static readonly TimeSpan _window = TimeSpan.FromMinutes(1);
    private readonly ITimer _timer;
    private readonly TimeProvider _timeProvider;
    private long _windowStartTimestamp;

    public ResilienceRateLimiters(int? requestsPerMinute, int? tokensPerMinute, int queueLimit, TimeProvider timeProvider)
    {
        RequestLimit = requestsPerMinute ?? 0;
        TokenLimit = tokensPerMinute ?? 0;
        Requests = requestsPerMinute is int r ? Create(r, queueLimit) : null;
        
        // The token window's queue is counted in tokens, so let it hold queueLimit full-size requests.
        Tokens = tokensPerMinute is int t ? Create(t, (int)Math.Min(int.MaxValue, (long)queueLimit * t)) : null;
        _timeProvider = timeProvider;
        _windowStartTimestamp = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static s => ((ResilienceRateLimiters)s!).Replenish(), this, _window, _window);
    }

    public FixedWindowRateLimiter? Requests { get; }

    public FixedWindowRateLimiter? Tokens { get; }

    public int RequestLimit { get; }

    public int TokenLimit { get; }

    /// <summary>Gets how long until the current window ends and the limits refill.</summary>
    public TimeSpan UntilNextWindow
    {
        get
        {
            var left = _window - _timeProvider.GetElapsedTime(Interlocked.Read(ref _windowStartTimestamp));
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Requests?.Dispose();
        Tokens?.Dispose();
    }

    private static FixedWindowRateLimiter Create(int limit, int queueLimit) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = limit,
        // The limiter's own replenishment runs on the wall clock (even in manual mode it checks that a window
        // has elapsed), so it gets a one-tick window and the TimeProvider timer decides when a minute has passed.
        Window = TimeSpan.FromTicks(1),
        AutoReplenishment = false,
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private void Replenish()
    {
        Interlocked.Exchange(ref _windowStartTimestamp, _timeProvider.GetTimestamp());
        Requests?.TryReplenish();
        Tokens?.TryReplenish();
    }
}
