using Nines.CommandLine.Rendering;

namespace Nines.Tests.Cli;

public class ReliabilityFormatTests
{
    [Theory]
    [InlineData(0.9889, 0.0111, "98.9%")]
    [InlineData(0.999975, 0.000025, "99.9975%")]
    [InlineData(0.0061, 0.9939, "0.61%")]
    [InlineData(1.0, 0.0, "100%")]
    public void Percent_ShowsTheDigitsThatMatter(double success, double failure, string expected)
    {
        Assert.Equal(expected, ReliabilityFormat.Percent(success, failure));
    }

    [Fact]
    public void Percent_BelowDoubleRange_UsesLog10()
    {
        // 0.9978^1,048,575 = 10^-1003.x: far below double.Epsilon, still printable.
        Assert.Equal("2.0e-1001%", ReliabilityFormat.Percent(0, 1, -1002.7));
    }

    [Fact]
    public void Percent_FailureBelowDisplayPrecision_NeverClaimsOneHundredPercent()
    {
        Assert.Equal("~100%", ReliabilityFormat.Percent(1 - 1e-16, 1e-16));
    }

    [Fact]
    public void Nines_Infinite_PrintsInf()
    {
        Assert.Equal("inf", ReliabilityFormat.Nines(null));
        Assert.Equal("2.66", ReliabilityFormat.Nines(2.6576));
    }
}
