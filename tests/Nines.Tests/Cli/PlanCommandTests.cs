using System.Globalization;
using System.Text.Json;
using Nines.CommandLine;

namespace Nines.Tests.Cli;

public class PlanCommandTests
{
    // MAKER (Meyerson et al. 2025, arXiv:2511.09030): 2^20 - 1 Towers of Hanoi moves, per-step error 0.22%,
    // 95% target → first-to-ahead-by-3.
    internal static readonly string[] MakerExample = ["plan", "--per-step-error", "0.0022", "--steps", "1048575", "--target", "0.95"];

    [Fact]
    public async Task Plan_MakerExample_PrintsKMinThree()
    {
        var result = await CliTestRunner.RunAsync(MakerExample);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains("k_min = 3:", result.Out, StringComparison.Ordinal);
        Assert.Contains("1,048,575 steps", result.Out, StringComparison.Ordinal);
        Assert.Contains("Majority of n", result.Out, StringComparison.Ordinal);
        Assert.Contains("First to ahead by k", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_MakerExample_TablesHaveDefaultRows()
    {
        var result = await CliTestRunner.RunAsync(MakerExample);
        var lines = result.Out.Split('\n');

        // k = 3 at p = 0.9978: step error (0.0022/0.9978)^3 ≈ 1.1e-08, ~3.01 samples per vote, 98.9% over the workflow.
        Assert.Contains(lines, l => l.TrimStart().StartsWith("3 ", StringComparison.Ordinal) && l.Contains("3.01", StringComparison.Ordinal) && l.Contains("1.1e-08", StringComparison.Ordinal) && l.Contains("98.9%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("6 ", StringComparison.Ordinal) && l.Contains("6.03", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("3 ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("2,995", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_Json_ParsesAndHasDocumentedFields()
    {
        var result = await CliTestRunner.RunAsync([.. MakerExample, "--json"]);

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Out);
        var root = document.RootElement;
        Assert.Equal("two-outcome", root.GetProperty("model").GetString());
        Assert.Equal(0.9978, root.GetProperty("perSampleAccuracy").GetDouble(), 1e-12);
        Assert.Equal(0.0022, root.GetProperty("perSampleError").GetDouble());
        Assert.Equal(1_048_575, root.GetProperty("steps").GetInt64());
        Assert.Equal(0.95, root.GetProperty("target").GetDouble());
        Assert.Equal(0.95, root.GetProperty("confidence").GetDouble());

        var kMin = root.GetProperty("kMin");
        Assert.Equal(3, kMin.GetProperty("k").GetInt32());
        Assert.True(kMin.GetProperty("workflowSuccess").GetDouble() >= 0.95);
        Assert.InRange(kMin.GetProperty("expectedSamplesPerStep").GetDouble(), 3.0, 3.1);

        var majority = root.GetProperty("majorityOfN");
        Assert.Equal([1, 3, 5, 7, 9], majority.EnumerateArray().Select(r => r.GetProperty("n").GetInt32()));
        foreach (var name in new[] { "samplesPerStep", "samplesTotal", "stepSuccess", "stepFailure", "stepNines", "workflowSuccess", "workflowFailure", "log10WorkflowSuccess", "workflowNines" })
        {
            Assert.True(majority[0].TryGetProperty(name, out _), $"majorityOfN rows lack '{name}'");
        }

        var ahead = root.GetProperty("firstToAheadByK");
        Assert.Equal([1, 2, 3, 4, 5, 6], ahead.EnumerateArray().Select(r => r.GetProperty("k").GetInt32()));
        Assert.True(ahead[2].TryGetProperty("expectedSamplesTotal", out _));

        var trials = root.GetProperty("zeroFailureTrials");
        Assert.Equal([29L, 299, 2995, 29956, 299572], trials.EnumerateArray().Select(r => r.GetProperty("trials").GetInt64()));
    }

    [Fact]
    public async Task Plan_JsonWithoutTarget_HasNullKMin()
    {
        var result = await CliTestRunner.RunAsync("plan", "--per-sample-accuracy", "0.9", "--json");

        using var document = JsonDocument.Parse(result.Out);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("kMin").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("target").ValueKind);
    }

    [Fact]
    public async Task Plan_GivenKNAndNines_TabulatesOnlyThose()
    {
        var result = await CliTestRunner.RunAsync("plan", "--per-sample-accuracy", "0.9", "--k", "2", "4", "--n", "3", "--nines", "3", "--json");

        using var document = JsonDocument.Parse(result.Out);
        var root = document.RootElement;
        Assert.Equal([2, 4], root.GetProperty("firstToAheadByK").EnumerateArray().Select(r => r.GetProperty("k").GetInt32()));
        Assert.Equal([3], root.GetProperty("majorityOfN").EnumerateArray().Select(r => r.GetProperty("n").GetInt32()));
        var trials = Assert.Single(root.GetProperty("zeroFailureTrials").EnumerateArray());
        Assert.Equal(2995, trials.GetProperty("trials").GetInt64());

        // Majority of 3 at p = 0.9: 0.972.
        Assert.Equal(0.972, root.GetProperty("majorityOfN")[0].GetProperty("stepSuccess").GetDouble(), 1e-12);
    }

    [Fact]
    public async Task Plan_PercentSyntax_EqualsDecimal()
    {
        var percent = await CliTestRunner.RunAsync("plan", "--per-step-error", "0.22%", "--steps", "1048575", "--target", "95%", "--json");
        var fraction = await CliTestRunner.RunAsync("plan", "--per-step-error", "0.0022", "--steps", "1048575", "--target", "0.95", "--json");

        Assert.Equal(0, percent.ExitCode);
        using var a = JsonDocument.Parse(percent.Out);
        using var b = JsonDocument.Parse(fraction.Out);
        Assert.Equal(b.RootElement.GetProperty("kMin").GetProperty("k").GetInt32(), a.RootElement.GetProperty("kMin").GetProperty("k").GetInt32());
        Assert.Equal(b.RootElement.GetProperty("perSampleError").GetDouble(), a.RootElement.GetProperty("perSampleError").GetDouble(), 1e-15);
    }

    [Fact]
    public async Task Plan_UnderCommaDecimalCulture_ReadsAndWritesInvariantNumbers()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var result = await CliTestRunner.RunAsync(MakerExample);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("k_min = 3:", result.Out, StringComparison.Ordinal);
            Assert.Contains("p = 0.9978", result.Out, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData(new[] { "plan", "--per-sample-accuracy", "0.4" }, "--per-sample-accuracy must be > 0.5 for voting to help (got 0.4)")]
    [InlineData(new[] { "plan", "--per-sample-accuracy", "0.5" }, "no better than a coin")]
    [InlineData(new[] { "plan", "--per-step-error", "0.6" }, "--per-step-error must be < 0.5")]
    [InlineData(new[] { "plan", "--per-sample-accuracy", "1.5" }, "at most 1 (got 1.5)")]
    [InlineData(new[] { "plan" }, "--per-sample-accuracy <p> or its error rate with --per-step-error")]
    [InlineData(new[] { "plan", "--per-sample-accuracy", "0.9", "--per-step-error", "0.1" }, "not both")]
    [InlineData(new[] { "plan", "--per-step-error", "0.01", "--steps", "0" }, "--steps must be at least 1 (got 0)")]
    [InlineData(new[] { "plan", "--per-step-error", "0.01", "--target", "95" }, "--target must be strictly between 0 and 1 (got 95)")]
    [InlineData(new[] { "plan", "--per-step-error", "0.01", "--k", "0" }, "--k must be at least 1")]
    [InlineData(new[] { "plan", "--per-step-error", "0.01", "--n", "-1" }, "--n must be at least 1")]
    [InlineData(new[] { "plan", "--per-step-error", "0.01", "--nines", "0" }, "--nines must be greater than 0")]
    [InlineData(new[] { "plan", "--per-step-error", "0.01", "--confidence", "1" }, "--confidence must be strictly between 0 and 1")]
    [InlineData(new[] { "plan", "--per-step-error", "abc" }, "--per-step-error expects a number")]
    [InlineData(new[] { "plan", "--per-step-error", "0.01", "--steps", "many" }, "'many'")]
    public async Task Plan_BadInput_ExitsTwoWithOneLineNamingTheProblem(string[] args, string expected)
    {
        var result = await CliTestRunner.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task PlanHelp_ExitsZeroAndListsOptions()
    {
        var result = await CliTestRunner.RunAsync("plan", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--per-sample-accuracy", "--per-step-error", "--steps", "--target", "--k", "--n", "--nines", "--json" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }
}
