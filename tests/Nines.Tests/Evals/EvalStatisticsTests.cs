using CsCheck;
using Nines.Evals;

namespace Nines.Tests.Evals;

public class EvalStatisticsTests
{
    [Fact]
    public void Compute_TwoConfigurations_GivesRateIntervalNinesAndComparison()
    {
        // 263 trials with 81 passing: Newcombe (1998) Table I gives the Wilson interval 0.2553 to 0.3662.
        var rows = EvalTrialRows.For("baseline", (263, 81));
        rows.AddRange(EvalTrialRows.For("hardened", (263, 250)));

        var summary = EvalStatistics.Compute(rows);

        var baseline = summary.Configuration("baseline");
        Assert.Equal(263, baseline.Trials);
        Assert.Equal(81, baseline.Successes);
        Assert.Equal(81.0 / 263, baseline.Rate, 12);
        Assert.Equal(0.2553, baseline.Interval.Lower, 3);
        Assert.Equal(0.3662, baseline.Interval.Upper, 3);
        Assert.Equal(-Math.Log10(1 - (81.0 / 263)), baseline.Nines, 12);
        Assert.Equal(-Math.Log10(1 - 0.2553), baseline.ConservativeNines, 2);
        Assert.Equal("baseline", summary.Baseline);

        var comparison = Assert.Single(summary.Comparisons);
        Assert.Equal("hardened", comparison.Configuration);
        Assert.Equal(EvalComparisonOutcome.Better, comparison.Outcome);
        Assert.Equal("hardened is better than baseline (p < 0.001)", comparison.Verdict);
        Assert.Equal((250.0 - 81) / 263, comparison.Difference, 12);
    }

    [Fact]
    public void Compute_SameRates_SaysNoSignificantDifferenceWithThePValue()
    {
        // Fisher's tea: 3 of 4 against 1 of 4, two-sided p = 34/70 = 0.4857.
        var rows = EvalTrialRows.For("a", (4, 1));
        rows.AddRange(EvalTrialRows.For("b", (4, 3)));

        var comparison = Assert.Single(EvalStatistics.Compute(rows).Comparisons);

        Assert.Equal(EvalComparisonOutcome.NoSignificantDifference, comparison.Outcome);
        Assert.Equal("no significant difference between b and a (p = 0.49)", comparison.Verdict);
    }

    [Fact]
    public void Compute_NoFailures_NinesAreInfiniteButConservativeNinesAreFinite()
    {
        var summary = EvalStatistics.Compute(EvalTrialRows.Uniform("hardened", 10, 100, 100));

        var c = summary.Configurations[0];
        Assert.True(double.IsPositiveInfinity(c.Nines));
        // 1000 of 1000: Wilson lower = n / (n + z²) = 1000 / 1003.84; nines = log10(1003.84 / 3.84) = 2.417.
        Assert.Equal(Math.Log10((1000 + (1.959964 * 1.959964)) / (1.959964 * 1.959964)), c.ConservativeNines, 4);
        Assert.Equal(3, c.NextNine);
        Assert.Equal(2995, c.ZeroFailureTrialsForNextNine);
        Assert.Empty(c.FailureCategories);
    }

    [Fact]
    public void Compute_PassHatK_IsTheMeanOverCasesOfTheUnbiasedEstimator()
    {
        // Case 0: 3 of 4 → pass^2 = C(3,2)/C(4,2) = 1/2. Case 1: 4 of 4 → 1. Mean 0.75.
        // pass@2: case 0: 1 − C(1,2)/C(4,2) = 1; case 1: 1. Mean 1.
        var summary = EvalStatistics.Compute(EvalTrialRows.For("x", (4, 3), (4, 4)));

        var c = summary.Configurations[0];
        Assert.Equal(4, c.TrialsPerCase);
        Assert.Equal(0.875, c.PassHatK[0], 12);
        Assert.Equal(0.75, c.PassHat(2));
        Assert.Equal(1, c.PassAt(2));
        Assert.Equal(0.5, c.PassHat(4));
        Assert.Null(c.PassHat(5));
    }

    [Fact]
    public void Compute_UnequalTrialsPerCase_ReportsKUpToTheSmallest()
    {
        var summary = EvalStatistics.Compute(EvalTrialRows.For("x", (6, 5), (3, 3)));

        Assert.Equal(3, summary.Configurations[0].TrialsPerCase);
        Assert.Equal(3, summary.Configurations[0].PassHatK.Count);
    }

    [Fact]
    public void Compute_LatencyCostTokensTaxonomyAndMetrics_AreSummarised()
    {
        var rows = new List<EvalTrialResult>();
        // Wikipedia "Percentile", nearest-rank method example: 15, 20, 35, 40, 50 → the 50th percentile is 35.
        double[] latencies = [40, 15, 50, 35, 20];
        for (var t = 0; t < latencies.Length; t++)
        {
            rows.Add(new EvalTrialResult(
                "x", "c", t, t < 2, FailureCategory: t < 2 ? null : (t == 4 ? "Timeout" : "WrongAnswer"), LatencyMs: latencies[t],
                InputTokens: 100, OutputTokens: 20, CostUsd: t == 0 ? null : 0.25, Metrics: new Dictionary<string, double> { ["steps"] = t }));
        }

        var c = EvalStatistics.Compute(rows).Configurations[0];

        Assert.Equal(35, c.Latency!.P50Ms);
        Assert.Equal(50, c.Latency.P95Ms);
        Assert.Equal(50, c.Latency.P99Ms);
        Assert.Equal(15, c.Latency.MinMs);
        Assert.Equal(32, c.Latency.MeanMs, 12);
        Assert.Equal(500, c.InputTokens);
        Assert.Equal(100, c.OutputTokens);
        Assert.Equal(120, c.TokensPerTrial);
        Assert.Equal(1.0, c.CostUsd);
        Assert.Equal(0.25, c.CostPerTrialUsd);
        Assert.Equal(2, c.MetricMeans["steps"]);
        Assert.Equal([new EvalFailureCount("WrongAnswer", 2, 2.0 / 3), new EvalFailureCount("Timeout", 1, 1.0 / 3)], c.FailureCategories);
    }

    [Fact]
    public void Compute_FailedRowWithoutCategory_CountsAsUncategorized()
    {
        var c = EvalStatistics.Compute([new EvalTrialResult("x", "c", 0, false)]).Configurations[0];

        Assert.Equal(EvalStatistics.UncategorizedFailure, Assert.Single(c.FailureCategories).Category);
        Assert.Null(c.Latency);
        Assert.Null(c.CostUsd);
    }

    [Fact]
    public void Compute_DuplicateTrial_ThrowsNamingIt()
    {
        var rows = EvalTrialRows.For("x", (2, 2));
        rows.Add(rows[0]);

        var ex = Assert.Throws<ArgumentException>(() => EvalStatistics.Compute(rows));
        Assert.Contains("x/case-0/trial 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_BaselineOption_ComparesWithThatConfiguration()
    {
        var rows = EvalTrialRows.For("a", (10, 5));
        rows.AddRange(EvalTrialRows.For("b", (10, 9)));

        var summary = EvalStatistics.Compute(rows, new EvalStatisticsOptions { Baseline = "b" });

        Assert.Equal("b", summary.Baseline);
        Assert.Equal("a", Assert.Single(summary.Comparisons).Configuration);
        var ex = Assert.Throws<ArgumentException>(() => EvalStatistics.Compute(rows, new EvalStatisticsOptions { Baseline = "zzz" }));
        Assert.Contains("a, b", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_Empty_GivesAnEmptySummary()
    {
        var summary = EvalStatistics.Compute([]);

        Assert.Empty(summary.Configurations);
        Assert.Null(summary.Baseline);
    }

    [Fact]
    public void Compute_AnyResults_EstimatorsKeepTheirInvariants()
    {
        var cases = Gen.Int[1, 8].SelectMany(n => Gen.Int[0, n].Select(c => (n, c))).Array[1, 6];
        cases.Sample(counts =>
        {
            var c = EvalStatistics.Compute(EvalTrialRows.For("x", counts)).Configurations[0];
            var meanCaseRate = counts.Average(t => (double)t.c / t.n);
            var ok = c.Interval.Lower >= 0 && c.Interval.Upper <= 1
                && c.Interval.Lower <= c.Rate + 1e-12 && c.Rate <= c.Interval.Upper + 1e-12
                && double.IsFinite(c.ConservativeNines) && c.ConservativeNines <= c.Nines
                && Math.Abs(c.PassHatK[0] - meanCaseRate) < 1e-12 && Math.Abs(c.PassAtK[0] - meanCaseRate) < 1e-12;
            for (var k = 1; k <= c.TrialsPerCase; k++)
            {
                ok &= c.PassHatK[k - 1] is >= 0 and <= 1 && c.PassAtK[k - 1] is >= 0 and <= 1;
                ok &= c.PassHatK[k - 1] <= c.PassAtK[k - 1] + 1e-12;
                if (k > 1)
                {
                    ok &= c.PassHatK[k - 1] <= c.PassHatK[k - 2] + 1e-12;
                    ok &= c.PassAtK[k - 1] >= c.PassAtK[k - 2] - 1e-12;
                }
            }

            return ok;
        });
    }

    [Fact]
    public void FormatPValue_Ranges_UseThresholdOrSignificantDigits()
    {
        Assert.Equal("p < 0.001", EvalStatistics.FormatPValue(0.0004));
        Assert.Equal("p = 0.004", EvalStatistics.FormatPValue(0.0042));
        Assert.Equal("p = 0.41", EvalStatistics.FormatPValue(0.4132));
    }
}
