using Nines.CommandLine;
using Nines.Evals;
using Nines.Samples.EvalSuiteSample;
using Nines.Tests.Cli;

namespace Nines.Tests.Samples;

/// <summary>samples/EvalSuiteSample: the suite through the same code path as <c>dotnet run -- eval capitals</c>, in-process.</summary>
public sealed class EvalSuiteSampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nines-evalsample-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task EvalCapitals_FromTheSampleApp_RunsBothConfigurationsAndVotingWins()
    {
        var result = await RunAsync("eval", "capitals", "--trials", "30", "--store", "sqlite:" + Path.Combine(_directory, "evals.db"), "--out", Path.Combine(_directory, "out"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        Assert.Contains("Eval capitals: 10 case(s) x 2 configuration(s) x 30 trial(s) = 600 trials", result.Out, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(_directory, "out", "trials.jsonl"));
        Assert.Equal(600, rows.Length);
        var passed = (Single: rows.Count(r => r.Contains("\"config\":\"single\"", StringComparison.Ordinal) && r.Contains("\"success\":true", StringComparison.Ordinal)),
            Voted: rows.Count(r => r.Contains("\"config\":\"voted\"", StringComparison.Ordinal) && r.Contains("\"success\":true", StringComparison.Ordinal)));
        Assert.InRange(passed.Single, 220, 295);
        Assert.True(passed.Voted > passed.Single, $"voted {passed.Voted} vs single {passed.Single}");
        Assert.All(rows, r => Assert.Contains("\"input_tokens\":", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EvalList_FromTheSampleApp_ShowsCapitalsAsTheAppsSuite()
    {
        var result = await RunAsync("eval");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("capitals", result.Out, StringComparison.Ordinal);
        Assert.Contains("your app", result.Out, StringComparison.Ordinal);
        Assert.Contains("--model fair --k 2", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapitalsSuite_SameSeedTwice_SameOutcomesAndTokens()
    {
        var suite = CapitalsSuite.Create(new EvalSuiteArguments(CapitalsSuite.Definition.Parameters));
        var options = new EvalRunOptions { Trials = 5 };

        var first = await new EvalRunner().RunAsync(suite, options);
        var second = await new EvalRunner().RunAsync(CapitalsSuite.Create(new EvalSuiteArguments(CapitalsSuite.Definition.Parameters)), options);

        // Latency is measured on a scaled real clock, so it differs; everything else is a function of the seed.
        Assert.Equal(first.Results.Select(r => r with { LatencyMs = null }), second.Results.Select(r => r with { LatencyMs = null }));
        Assert.All(first.Results, r => Assert.True(r.InputTokens > 0 && r.CostUsd > 0, $"{r.Configuration}/{r.CaseId}/{r.Trial} recorded no usage"));
    }

    private static async Task<CliRunResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await NinesCommandLine.InvokeAsync(args, new CliConsole(output, error), userSuites: [CapitalsSuite.Definition]);
        return new CliRunResult(exitCode, output.ToString(), error.ToString());
    }
}
