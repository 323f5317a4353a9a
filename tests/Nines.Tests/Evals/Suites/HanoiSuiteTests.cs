using Nines.Evals;
using Nines.Evals.Suites.Hanoi;
using Nines.Planning;

namespace Nines.Tests.Evals.Suites;

public class HanoiSuiteTests
{
    [Fact]
    public void Create_Defaults_VotesWithKMinThreeOverAMillionMoves()
    {
        // Golden numbers from MAKER: Meyerson et al. 2025, "Solving a Million-Step LLM Task with Zero Errors"
        // (arXiv:2511.09030): 20 disks = 2^20 - 1 = 1,048,575 steps, per-step error 0.22% (gpt-4.1-mini), target 95%
        // whole-task success → k_min = 3.
        var suite = SuiteTrials.Create("hanoi");
        var settings = Assert.IsType<HanoiSettings>(Assert.Single(suite.Cases).Input);

        Assert.Equal(20, settings.Disks);
        Assert.Equal(1_048_575, settings.Steps);
        Assert.Equal(0.0022, settings.PerStepError);
        Assert.Equal(3, settings.KMin);
        Assert.Equal(3, settings.K);
        Assert.Equal(ReliabilityMath.KMin(1 - 0.0022, 1_048_575, 0.95), settings.KMin);
        Assert.Equal(["maker", "single"], suite.Configurations.Select(c => c.Name));
        Assert.Equal(1, suite.Trials);
    }

    [Fact]
    public void ExpectedSamplesPerStep_NoRedFlags_IsTheGamblersRuinDuration()
    {
        var settings = new HanoiSettings(20, 0.0022, 0, 3, 0.95);

        Assert.Equal(ReliabilityMath.ExpectedSamplesAheadByK(1 - 0.0022, 3), settings.ExpectedSamplesPerStep, 12);
        Assert.Equal(3.0133, settings.ExpectedSamplesPerStep, 4); // the figure `nines plan --per-step-error 0.0022` prints for k = 3
    }

    [Fact]
    public void ExpectedSamplesPerStep_RedFlags_CostExtraSamplesButImproveTheVotes()
    {
        var settings = new HanoiSettings(10, 0.1, 0.5, 3, 0.95);

        // p' = 0.9 / 0.95: discarding red flags leaves votes that are right more often; each valid vote costs 1/0.95 samples.
        Assert.Equal(0.9 / 0.95, settings.ValidVoteAccuracy, 12);
        Assert.Equal(ReliabilityMath.ExpectedSamplesAheadByK(0.9 / 0.95, 3) / 0.95, settings.ExpectedSamplesPerStep, 12);
        Assert.True(settings.StepFailure < ReliabilityMath.FirstToAheadByKFailure(0.9, 3));
    }

    [Fact]
    public async Task Run_TenDisks_SolvesEveryMoveWithZeroErrors()
    {
        var rows = await SuiteTrials.RunAsync(SuiteTrials.Create("hanoi", ("disks", "10")), configuration: "maker");

        var row = Assert.Single(rows);
        Assert.True(row.Passed, row.Error);
        Assert.Equal(1023, row.Metrics!["steps"]);
        Assert.Equal(0, row.Metrics["errors"]);
        Assert.Equal(2, row.Metrics["k"]); // k_min for 1,023 steps at ε = 0.0022 and a 95% target
        Assert.Equal(row.Metrics["k_min"], row.Metrics["k"]);
        Assert.InRange(row.Metrics["samples_per_step"], 2, 2.1);
        Assert.True(row.InputTokens > 1023 * 2 * 100, "every sample's prompt (instructions + state) is counted");
        Assert.True(row.CostUsd > 0);
    }

    [Fact]
    public async Task Run_HighErrorRate_SamplesPerStepMatchTheFormula()
    {
        // ε = 0.05 makes voting work visibly harder than k samples a step. Samples per step over 4,095 steps have a standard
        // error of about 0.5% (seeded, so the run is the same every time); the prediction must lie within 2% of the measurement
        // (measured 4.3446 against 4.3478), and red flags must come at their rate ε·r.
        var suite = SuiteTrials.Create("hanoi", ("disks", "12"), ("per-step-error", "0.05"), ("red-flag-rate", "0.4"));
        var settings = (HanoiSettings)suite.Cases[0].Input!;
        var rows = await SuiteTrials.RunAsync(suite, configuration: "maker");

        var row = Assert.Single(rows);
        Assert.True(row.Passed, row.Error);
        Assert.Equal(4, settings.K);
        Assert.Equal(settings.ExpectedSamplesPerStep, row.Metrics!["expected_samples_per_step"]);
        Assert.InRange(row.Metrics["samples_per_step"], settings.ExpectedSamplesPerStep * 0.98, settings.ExpectedSamplesPerStep * 1.02);

        // Ignoring the red flags (the plain formula at p = 1 - ε, 4.444 here) would predict 2.3% too many: the measurement must side with the model that discards them.
        Assert.True(
            Math.Abs(row.Metrics["samples_per_step"] - settings.ExpectedSamplesPerStep) < Math.Abs(row.Metrics["samples_per_step"] - row.Metrics["formula_samples_per_step"]),
            "samples per step should match the formula with red flags discarded better than the plain formula");
        Assert.InRange(row.Metrics["red_flags"] / row.Metrics["samples"], 0.05 * 0.4 * 0.8, 0.05 * 0.4 * 1.2);
        Assert.True(row.Metrics["wrong_votes"] > 0, "wrong moves were voted for and outvoted");
    }

    [Fact]
    public async Task Run_SingleSamplePerMove_StopsAtTheFirstWrongMove()
    {
        var rows = await SuiteTrials.RunAsync(SuiteTrials.Create("hanoi", ("disks", "14")), configuration: "single");

        var row = Assert.Single(rows);
        Assert.False(row.Passed);
        Assert.Equal("WrongAnswer", row.FailureCategory);
        Assert.Contains("the right move is", row.Error, StringComparison.Ordinal);
        Assert.Equal(1, row.Metrics!["errors"]);
        Assert.InRange(row.Metrics["steps"], 0, 16_382);
    }

    [Fact]
    public async Task Run_EveryErrorRedFlagged_EvenOneSamplePerMoveMakesNoError()
    {
        // With r = 1 every wrong sample is over the token cap or malformed: discarded before it votes, so the first valid
        // sample is always right. This pins that red flags really remove samples from the vote.
        var rows = await SuiteTrials.RunAsync(
            SuiteTrials.Create("hanoi", ("disks", "10"), ("per-step-error", "0.2"), ("red-flag-rate", "1")), configuration: "single");

        var row = Assert.Single(rows);
        Assert.True(row.Passed, row.Error);
        Assert.Equal(0, row.Metrics!["wrong_votes"]);
        Assert.InRange(row.Metrics["red_flags"] / row.Metrics["samples"], 0.15, 0.25);
    }

    [Fact]
    public async Task Run_SameSeedTwice_SameFigures()
    {
        var first = await SuiteTrials.RunAsync(SuiteTrials.Create("hanoi", ("disks", "9"), ("per-step-error", "0.05")));
        var second = await SuiteTrials.RunAsync(SuiteTrials.Create("hanoi", ("disks", "9"), ("per-step-error", "0.05")));

        Assert.Equal(2, first.Count);
        foreach (var (a, b) in first.Zip(second))
        {
            Assert.Equal((a.Passed, a.InputTokens, a.OutputTokens, a.Error?.Split(';')[0]), (b.Passed, b.InputTokens, b.OutputTokens, b.Error?.Split(';')[0]));
            Assert.Equal(a.Metrics!.Where(m => m.Key != "wall_seconds"), b.Metrics!.Where(m => m.Key != "wall_seconds"));
        }
    }

    [Theory]
    [InlineData("disks", "0", "--disks")]
    [InlineData("disks", "31", "--disks")]
    [InlineData("per-step-error", "0.5", "--per-step-error")]
    [InlineData("target", "1", "--target")]
    [InlineData("red-flag-rate", "1.5", "--red-flag-rate")]
    [InlineData("k", "0", "--k")]
    [InlineData("k", "three", "--k")]
    public void Create_BadArgument_ThrowsNamingTheOption(string option, string value, string expected)
    {
        var ex = Assert.ThrowsAny<Exception>(() => SuiteTrials.Create("hanoi", (option, value)));

        Assert.True(ex is ArgumentException or FormatException, ex.GetType().Name);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
