using System.Text.Json;

namespace Nines.Tests.Cli;

public class DemoCommandTests
{
    [Fact]
    public async Task Demo_Default1000Tasks_HardenedReachesThreeNinesWhileBareStaysBelowOne()
    {
        // The README's main command, measured: the issue asks for >= 3 nines hardened and ~1 nine bare. A slower
        // simulated clock (50x) keeps the test robust when other tests load the CPU at the same time.
        var result = await CliTestRunner.RunAsync(["demo", "--json", "--speedup", "50"]);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.True(json.RootElement.GetProperty("simulated").GetBoolean());
        var pipelines = json.RootElement.GetProperty("pipelines").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);

        var bare = pipelines["bare"];
        var hardened = pipelines["hardened"];
        Assert.Equal(1000, bare.GetProperty("tasks").GetInt32());
        Assert.Equal(1000, hardened.GetProperty("tasks").GetInt32());

        // Bare: one call per task, and flaky-provider plus a 95%-accurate model lose roughly one task in five.
        Assert.Equal(1000, bare.GetProperty("modelCalls").GetInt64());
        Assert.InRange(bare.GetProperty("successRate").GetDouble(), 0.65, 0.92);
        Assert.True(bare.GetProperty("failures").EnumerateObject().Count() >= 5, "bare failures should span the fault taxonomy");

        // Hardened: at most one failure in 1,000 (>= 3 nines), paid for with extra calls.
        Assert.True(hardened.GetProperty("succeeded").GetInt32() >= 999, $"hardened succeeded {hardened.GetProperty("succeeded").GetInt32()} of 1000");
        Assert.InRange(hardened.GetProperty("modelCalls").GetInt64(), 2000, 6000);
        Assert.True(hardened.GetProperty("tokens").GetInt64() > bare.GetProperty("tokens").GetInt64());
    }

    [Fact]
    public async Task Demo_Table_ShowsBothPipelinesAndFailureCategories()
    {
        var result = await CliTestRunner.RunAsync(["demo", "--calls", "200", "--seed", "7"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SIMULATED", result.Out, StringComparison.Ordinal);
        Assert.Contains("\nbare ", result.Out, StringComparison.Ordinal);
        Assert.Contains("\nhardened ", result.Out, StringComparison.Ordinal);
        Assert.Contains("Failures by category", result.Out, StringComparison.Ordinal);
        Assert.Contains("RateLimited", result.Out, StringComparison.Ordinal);
        Assert.Contains("done", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--calls", "0", "--calls must be at least 1")]
    [InlineData("--k", "0", "--k must be at least 1")]
    [InlineData("--model", "openai:gpt-4o", "is not a simulated model")]
    [InlineData("--model", "sim:p=1.5", "p")]
    [InlineData("--chaos", "no-such-profile", "no-such-profile")]
    public async Task Demo_BadInput_ExitCode2AndOneLine(string option, string value, string expected)
    {
        var result = await CliTestRunner.RunAsync(["demo", option, value]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
