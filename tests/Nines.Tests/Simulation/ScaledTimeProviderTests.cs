using Microsoft.Extensions.Time.Testing;
using Nines.Simulation;

namespace Nines.Tests.Simulation;

public class ScaledTimeProviderTests
{
    [Fact]
    public void GetUtcNowAndTimestamp_RunSpeedupTimesFaster()
    {
        var inner = new FakeTimeProvider();
        var scaled = new ScaledTimeProvider(1000, inner);
        var start = scaled.GetUtcNow();
        var startTimestamp = scaled.GetTimestamp();

        inner.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(TimeSpan.FromSeconds(50), scaled.GetUtcNow() - start);
        Assert.Equal(TimeSpan.FromSeconds(50), scaled.GetElapsedTime(startTimestamp));
    }

    [Fact]
    public async Task Delay_OnScaledClock_NeedsOnlyScaledInnerTime()
    {
        var inner = new FakeTimeProvider();
        var scaled = new ScaledTimeProvider(1000, inner);

        var delay = Task.Delay(TimeSpan.FromSeconds(10), scaled);
        inner.Advance(TimeSpan.FromMilliseconds(9));
        Assert.False(delay.IsCompleted);
        inner.Advance(TimeSpan.FromMilliseconds(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Timer_InfiniteDue_StaysInfinite_AndChangeIsScaled()
    {
        var inner = new FakeTimeProvider();
        var scaled = new ScaledTimeProvider(100, inner);
        var fired = 0;
        using var timer = scaled.CreateTimer(_ => Interlocked.Increment(ref fired), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        inner.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, fired);

        timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        inner.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, fired);
        inner.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(3, fired);
    }

    [Fact]
    public async Task Delay_RealClock_TenSecondsAtSpeedup10000_FiresQuickly()
    {
        // The one test on the real clock: a 10 s delay should take ~1 ms of real time; allow 900 ms.
        var scaled = new ScaledTimeProvider(10_000);

        await Task.Delay(TimeSpan.FromSeconds(10), scaled).WaitAsync(TimeSpan.FromMilliseconds(900));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_BadSpeedup_Throws(double speedup)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledTimeProvider(speedup));
    }
}
