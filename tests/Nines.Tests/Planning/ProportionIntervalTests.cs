using CsCheck;
using Nines.Planning;

namespace Nines.Tests.Planning;

public class ProportionIntervalTests
{
    [Fact]
    public void NormalQuantile_975_IsTheFamiliar196()
    {
        Assert.Equal(1.959964, ProportionInterval.NormalQuantile(0.975), 1e-5);
        Assert.Equal(-1.959964, ProportionInterval.NormalQuantile(0.025), 1e-5);
    }

    [Fact]
    public void Wilson_KnownValues_MatchPublishedFigures()
    {
        // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I:
        // 81/263 → 0.2553 to 0.3662 (Wilson score method without continuity correction).
        var interval = ProportionInterval.Wilson(81, 263);
        Assert.Equal(0.2553, interval.Lower, 1e-3);
        Assert.Equal(0.3662, interval.Upper, 1e-3);

        // Same table: 0/20 → 0 to 0.1611.
        var zero = ProportionInterval.Wilson(0, 20);
        Assert.Equal(0, zero.Lower);
        Assert.Equal(0.1611, zero.Upper, 1e-3);
    }

    [Fact]
    public void Wilson_AllSucceeded_UpperIsOneAndLowerBelowOne()
    {
        var interval = ProportionInterval.Wilson(1000, 1000);

        Assert.Equal(1, interval.Upper);
        Assert.InRange(interval.Lower, 0.996, 0.9963);
    }

    [Fact]
    public void Wilson_AnyCounts_ContainsTheRateAndStaysInUnitInterval()
    {
        Gen.Int[1, 5000].SelectMany(n => Gen.Int[0, n].Select(s => (s, n))).Sample(t =>
        {
            var interval = ProportionInterval.Wilson(t.s, t.n);
            return interval.Lower >= 0 && interval.Upper <= 1 && interval.Lower <= interval.Rate + 1e-12 && interval.Rate <= interval.Upper + 1e-12;
        });
    }

    [Fact]
    public void Wilson_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionInterval.Wilson(5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionInterval.Wilson(6, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionInterval.Wilson(1, 5, 1.5));
    }
}
