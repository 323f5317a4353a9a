using Nines.Evals;

namespace Nines.Tests.Evals;

public class EvalGateTests
{
    private static readonly EvalSummary _summary = CreateSummary();

    [Theory]
    // hardened: 98 of 100 → nines = −log10(0.02) = 1.70; Wilson lower 0.930 → conservative nines 1.15.
    [InlineData("hardened.nines >= 1.5", true)]
    [InlineData("hardened.nines >= 2", false)]
    [InlineData("hardened.rate > 95%", true)]
    [InlineData("hardened.rate > 0.999", false)]
    [InlineData("hardened.conservative_nines >= 1", true)]
    [InlineData("hardened.conservative_nines >= 1.5", false)]
    // pass^4 = (8 × 1 + 2 × C(9,4)/C(10,4)) / 10 = (8 + 2 × 0.6) / 10 = 0.92.
    [InlineData("hardened.pass^4 >= 0.9", true)]
    [InlineData("hardened.pass^4 >= 0.99", false)]
    [InlineData("hardened.pass@2 >= 0.99", true)]
    [InlineData("hardened.p95_ms <= 200", true)]
    [InlineData("hardened.p95_ms < 100", false)]
    [InlineData("hardened.cost_per_trial <= 0.01", true)]
    [InlineData("HARDENED.Nines>=1.5", true)]
    [InlineData("hardened > baseline", true)]
    [InlineData("baseline > hardened", false)]
    [InlineData("hardened >= baseline", true)]
    [InlineData("baseline >= hardened", false)]
    public void Evaluate_Gate_HoldsOrNotAsMeasured(string text, bool expected)
    {
        var result = EvalGate.Parse(text).Evaluate(_summary);

        Assert.Equal(expected, result.Passed);
        Assert.Equal(text.Trim(), result.Gate);
        Assert.False(string.IsNullOrWhiteSpace(result.Explanation));
    }

    [Fact]
    public void Evaluate_MetricGate_ReportsTheActualValueAndRequirement()
    {
        var result = EvalGate.Parse("hardened.rate >= 0.99").Evaluate(_summary);

        Assert.Equal(0.98, result.Actual);
        Assert.Equal("hardened.rate is 0.98; needs >= 0.99", result.Explanation);
    }

    [Fact]
    public void Evaluate_ComparisonGate_ExplainsWithTheVerdict()
    {
        var result = EvalGate.Parse("hardened > baseline").Evaluate(_summary);

        Assert.StartsWith("hardened is better than baseline (p < 0.001)", result.Explanation, StringComparison.Ordinal);
        Assert.True(result.Actual < 0.001);
    }

    [Fact]
    public void Evaluate_KAboveTrialsPerCase_FailsAsNotAvailable()
    {
        var result = EvalGate.Parse("hardened.pass^50 >= 0.5").Evaluate(_summary);

        Assert.False(result.Passed);
        Assert.Null(result.Actual);
        Assert.Contains("has 10", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnknownConfiguration_ThrowsListingTheConfigurations()
    {
        var ex = Assert.Throws<ArgumentException>(() => EvalGate.Parse("hardend.nines >= 3").Evaluate(_summary));

        Assert.Contains("hardend", ex.Message, StringComparison.Ordinal);
        Assert.Contains("baseline, hardened", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hardened.nines")]
    [InlineData("hardened.nines >= three")]
    [InlineData("hardened.speed >= 3")]
    [InlineData("nines >= 3")]
    [InlineData("hardened < baseline")]
    [InlineData("hardened.pass^0 >= 0.5")]
    [InlineData("")]
    public void Parse_BadText_ThrowsShowingTheAcceptedForms(string text)
    {
        var ex = Assert.Throws<FormatException>(() => EvalGate.Parse(text));

        Assert.Contains("Accepted forms", ex.Message, StringComparison.Ordinal);
        Assert.Contains("hardened.nines >= 3", ex.Message, StringComparison.Ordinal);
    }

    private static EvalSummary CreateSummary()
    {
        // baseline: 10 cases × 10 trials, 7 passing each; hardened: 8 cases all passing, 2 cases 9 of 10 → 98%.
        var rows = EvalTrialRows.Uniform("baseline", 10, 10, 7);
        rows.AddRange(EvalTrialRows.For("hardened", [.. Enumerable.Repeat((10, 10), 8), (10, 9), (10, 9)]));
        return EvalStatistics.Compute(rows);
    }
}
