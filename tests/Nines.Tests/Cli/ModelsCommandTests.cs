namespace Nines.Tests.Cli;

public class ModelsCommandTests
{
    [Fact]
    public async Task Check_SimModel_PrintsLatencyUsageAndLayers()
    {
        var result = await CliTestRunner.RunAsync(["models", "check", "sim:instant", "--prompt", "ping"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("SIMULATED", result.Out, StringComparison.Ordinal);
        Assert.Contains("latency", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"usage\s+\d+ in, \d+ out", result.Out);
        Assert.Matches(@"\n\s+sim\s+simulated model", result.Out);
        Assert.Matches(@"\n\s+resilience\s+\d+ attempt", result.Out);
        Assert.Matches(@"\n\s+contracts\s+", result.Out);
    }

    [Fact]
    public async Task Check_MissingKey_NamesTheVariable()
    {
        var result = await CliTestRunner.RunAsync(["models", "check", "anthropic:claude-sonnet-4-5"]);

        if (Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY") is { Length: > 0 })
        {
            return; // A real key is configured on this machine; the missing-key path cannot be exercised.
        }

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ANTHROPIC_API_KEY", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownScheme_ListsKnownSchemes()
    {
        var result = await CliTestRunner.RunAsync(["models", "check", "foo:bar"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown scheme 'foo'", result.Error, StringComparison.Ordinal);
        Assert.Contains("sim:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsEverySchemeIncludingSim()
    {
        var result = await CliTestRunner.RunAsync(["models", "list"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var scheme in new[] { "sim", "openai", "openai-compatible", "ollama", "anthropic" })
        {
            Assert.Matches($@"(?m)^{scheme}\s", result.Out);
        }
    }
}
