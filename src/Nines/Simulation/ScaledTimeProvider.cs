namespace Nines.Simulation;

/// <summary>
/// A clock that runs <see cref="Speedup"/> times faster than another clock (normally the real one), so demos with realistic
/// latencies, <c>Retry-After</c> waits and timeouts run in seconds instead of hours.
/// </summary>
/// <remarks>
/// <see cref="GetUtcNow"/> and <see cref="GetTimestamp"/> advance <see cref="Speedup"/> times as fast as the inner clock from the
/// moment of construction; timers are real timers of the inner clock whose due time and period are divided by the speedup
/// (so a 10 s timeout at speedup 1000 fires after 10 ms of real time). Sub-millisecond real dues are allowed but real timers
/// fire no more precisely than the operating system allows. Thread-safe.
/// </remarks>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly DateTimeOffset _startUtc;
    private readonly long _startTimestamp;

    /// <summary>Creates a clock that runs <paramref name="speedup"/> times faster than <paramref name="inner"/>.</summary>
    /// <param name="speedup">How much faster time passes; must be positive and finite (1 runs at the inner clock's pace).</param>
    /// <param name="inner">The clock to speed up; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public ScaledTimeProvider(double speedup, TimeProvider? inner = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speedup);
        if (double.IsInfinity(speedup) || double.IsNaN(speedup))
        {
            throw new ArgumentOutOfRangeException(nameof(speedup), speedup, "The speedup must be a finite positive number such as 1000.");
        }

        Speedup = speedup;
        _inner = inner ?? System;
        _startUtc = _inner.GetUtcNow();
        _startTimestamp = _inner.GetTimestamp();
    }

    /// <summary>Gets how many times faster than the inner clock this clock runs.</summary>
    public double Speedup { get; }

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    /// <inheritdoc/>
    public override long TimestampFrequency => _inner.TimestampFrequency;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        var elapsed = _inner.GetElapsedTime(_startTimestamp);
        return _startUtc + TimeSpan.FromTicks((long)(elapsed.Ticks * Speedup));
    }

    /// <inheritdoc/>
    public override long GetTimestamp()
    {
        var elapsed = _inner.GetTimestamp() - _startTimestamp;
        return _startTimestamp + (long)(elapsed * Speedup);
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new ScaledTimer(_inner.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);
    }

    private TimeSpan Scale(TimeSpan span)
    {
        if (span == Timeout.InfiniteTimeSpan || span <= TimeSpan.Zero)
        {
            return span;
        }

        // Never round a positive span down to zero: a zero period would mean "no repeat".
        return TimeSpan.FromTicks(Math.Max(1, (long)(span.Ticks / Speedup)));
    }

    private sealed class ScaledTimer(ITimer inner, ScaledTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(owner.Scale(dueTime), owner.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
