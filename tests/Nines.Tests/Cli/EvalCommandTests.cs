using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nines.CommandLine;
using Nines.CommandLine.Evals;
using Nines.Evals;
using Nines.Tests.Evals;

namespace Nines.Tests.Cli;

public sealed class EvalCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nines-evalcli-").FullName;

    private string StoreArg => "sqlite:" + Path.Combine(_directory, "evals.db");

    private string OutDir => Path.Combine(_directory, "out");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Eval_BuiltInHanoi_PrintsItsMetricsBesideTheTable()
    {
        var result = await RunAsync([], "eval", "hanoi", "--disks", "8", "--config", "maker", "--no-journal", "--out", OutDir);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("metrics for maker (mean per trial):", result.Out, StringComparison.Ordinal);
        Assert.Contains("errors 0,", result.Out, StringComparison.Ordinal);
        Assert.Contains("steps 255,", result.Out, StringComparison.Ordinal);
        Assert.Contains("samples_per_step ", result.Out, StringComparison.Ordinal);
        Assert.Contains("expected_samples_per_step ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_BuiltInInjection_PrintsAttackSuccessOverAttackedTrialsPerConfiguration()
    {
        var result = await RunAsync([], "eval", "injection", "--trials", "2", "--follow-rate", "1", "--no-journal", "--out", OutDir);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        Assert.Contains("Eval injection: 24 case(s) x 3 configuration(s) x 2 trial(s)", result.Out, StringComparison.Ordinal);
        Assert.Contains("metrics for undefended (mean per trial): asr_attacked ", result.Out, StringComparison.Ordinal);
        Assert.Contains("metrics for rule-of-two (mean per trial): asr_attacked 0,", result.Out, StringComparison.Ordinal);
        Assert.Contains("metrics for quarantine (mean per trial): asr_attacked 0,", result.Out, StringComparison.Ordinal);
        Assert.Contains("ActedOnInjection", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_BuiltInContext_ComparesTheBudgetWithNoBudget()
    {
        var result = await RunAsync(
            [], "eval", "context", "--cases", "2", "--chunks", "4", "--trials", "2", "--speedup", "100000", "--no-journal", "--out", OutDir);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("no-budget", result.Out, StringComparison.Ordinal);
        Assert.Contains("metrics for budget (mean per trial):", result.Out, StringComparison.Ordinal);
        Assert.Contains("peak_prompt_tokens", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_NoSuiteName_ListsUserSuitesWithTheirOptions()
    {
        var result = await RunAsync([Coin()], "eval");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("coin", result.Out, StringComparison.Ordinal);
        Assert.Contains("your app", result.Out, StringComparison.Ordinal);
        Assert.Contains("--cases 4", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalSuite_Runs_PrintsPerConfigurationCountsAndWritesTrials()
    {
        var result = await RunAsync([Coin()], "eval", "coin", "--trials", "3", "--store", StoreArg, "--out", OutDir);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        Assert.Contains("Eval coin: 4 case(s) x 2 configuration(s) x 3 trial(s) = 24 trials, seed 7", result.Out, StringComparison.Ordinal);
        Assert.Contains("weak", result.Out, StringComparison.Ordinal);
        Assert.Contains("nines", result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(OutDir, "report.json")));
        Assert.True(File.Exists(Path.Combine(OutDir, "report.html")));
        Assert.True(File.Exists(Path.Combine(OutDir, "junit.xml")));
        Assert.Contains("Reports: " + Path.Combine(OutDir, "report.html"), result.Error, StringComparison.Ordinal);
        var lines = File.ReadAllLines(Path.Combine(OutDir, "trials.jsonl"));
        Assert.Equal(24, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(("weak", "case-0", 0), (first.RootElement.GetProperty("config").GetString(), first.RootElement.GetProperty("case").GetString(), first.RootElement.GetProperty("trial").GetInt32()));

        // trials.jsonl is the row format nines stats reads: the same file gives the same figures as report.json.
        var fromLines = await CliTestRunner.RunAsync("stats", Path.Combine(OutDir, "trials.jsonl"), "--json");
        var fromReport = await CliTestRunner.RunAsync("stats", Path.Combine(OutDir, "report.json"), "--json");
        Assert.True(fromLines.ExitCode == ExitCodes.Success, fromLines.Error);
        Assert.Equal(fromReport.Out, fromLines.Out);
        using var stats = JsonDocument.Parse(fromLines.Out);
        Assert.Equal(24, stats.RootElement.GetProperty("configurations").EnumerateArray().Sum(c => c.GetProperty("trials").GetInt32()));
    }

    [Fact]
    public async Task EvalSuite_SuiteOptionAndConfigFilter_ReachTheSuite()
    {
        var result = await RunAsync([Coin()], "eval", "coin", "--cases", "2", "--trials", "2", "--config", "strong", "--no-journal", "--out", OutDir, "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var configuration = Assert.Single(json.RootElement.GetProperty("configurations").EnumerateArray());
        Assert.Equal(("strong", 4), (configuration.GetProperty("name").GetString(), configuration.GetProperty("trials").GetInt32()));
        Assert.False(json.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal(("coin", 4), (json.RootElement.GetProperty("suite").GetString(), json.RootElement.GetProperty("total_trials").GetInt32()));
        Assert.True(File.Exists(json.RootElement.GetProperty("reports").GetProperty("html").GetString()));
    }

    [Fact]
    public async Task EvalSuite_GateFails_ExitsGateFailedNamingTheGate()
    {
        var result = await RunAsync([Coin()], "eval", "coin", "--no-journal", "--out", OutDir, "--require", "strong.nines >= 0.5", "--require", "weak.nines >= 3");

        Assert.Equal(ExitCodes.GateFailed, result.ExitCode);
        Assert.Contains("PASS  strong.nines >= 0.5", result.Out, StringComparison.Ordinal);
        Assert.Contains("FAIL  weak.nines >= 3", result.Out, StringComparison.Ordinal);
        Assert.Single(result.ErrorLines, l => l.StartsWith("gate failed: weak.nines >= 3", StringComparison.Ordinal));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutDir, "report.json")));
        Assert.Equal(2, report.RootElement.GetProperty("gates").GetArrayLength());
    }

    [Fact]
    public async Task EvalSuite_GatesPass_ExitsSuccess()
    {
        var result = await RunAsync([Coin()], "eval", "coin", "--no-journal", "--out", OutDir, "--require", "strong.nines >= 0.5");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
    }

    [Fact]
    public async Task EvalSuite_MalformedGate_ExitsUsageBeforeRunningAnything()
    {
        var calls = new EvalTestSuites.Counter();
        var suite = new EvalSuiteDefinition { Name = "coin", Create = _ => EvalTestSuites.Coin(calls: calls) };

        var result = await RunAsync([suite], "eval", "coin", "--no-journal", "--out", OutDir, "--require", "strong is great");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'strong is great' is not a gate", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, calls.Value);
    }

    [Fact]
    public async Task EvalSuite_BadSuiteOptionValue_ExitsUsageNamingTheOption()
    {
        var result = await RunAsync([Coin()], "eval", "coin", "--cases", "many", "--no-journal", "--out", OutDir);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--cases must be a whole number", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalSuite_UnknownConfig_ExitsUsageListingTheConfigurations()
    {
        var result = await RunAsync([Coin()], "eval", "coin", "--config", "hardened", "--no-journal", "--out", OutDir);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("has no configuration 'hardened'; it has weak, strong", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalSuite_ResumeAndFresh_ExitsUsage()
    {
        var result = await RunAsync([Coin()], "eval", "coin", "--resume", "--fresh", "--store", StoreArg);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--resume and --fresh contradict each other", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TwoUserSuitesWithOneName_ExitsUsageSayingSo()
    {
        var result = await RunAsync([Coin(), Coin()], "eval");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("2 of your eval suites are named 'coin'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_NoSuiteName_ListsTheBuiltInSuitesFirst()
    {
        var result = await RunAsync([Coin()], "eval");

        var names = result.Out.Split('\n').Skip(2).Select(l => l.Split(' ', 2)[0]).Where(n => n.Length > 0).Take(6).ToList();
        Assert.Equal(["invoices", "triage", "hanoi", "injection", "context", "coin"], names);
    }

    [Fact]
    public async Task RunAsync_UserSuiteNamedInvoices_ExitsUsageAskingToRenameIt()
    {
        var result = await RunAsync([Named("invoices")], "eval");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("your eval suite 'invoices' has the name of a built-in suite", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EvalSuiteCatalog_UserSuiteNamedLikeABuiltIn_ThrowsAskingToRenameIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new EvalSuiteCatalog([Named("invoices")], [Named("Invoices")]));

        Assert.Contains("your eval suite 'invoices' has the name of a built-in suite; rename yours (for example 'my-invoices')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvalProgressDisplay_Status_ShowsEachConfigurationsRateSoFar()
    {
        var progress = new EvalProgress(3, 8, [new EvalConfigurationProgress("weak", 2, 4, 1), new EvalConfigurationProgress("strong", 0, 4, 0)], TimeSpan.FromSeconds(1), null);

        Assert.Equal("weak 50.0% · strong -", EvalProgressDisplay.Status(progress));
    }

    [Fact]
    public async Task RunAsync_SuiteParameterNamedLikeACommonOption_ExitsUsage()
    {
        var clashing = new EvalSuiteDefinition
        {
            Name = "clash",
            Parameters = [new EvalSuiteParameter("trials", "conflicts", "3")],
            Create = _ => EvalTestSuites.Coin(),
        };

        var result = await RunAsync([clashing], "eval");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("has a parameter --trials, which every suite already has", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalSuite_CtrlCThenPrintedResumeCommand_WritesPartialReportThenFinishesFromTheJournal()
    {
        using var stop = new CancellationTokenSource();
        var started = new EvalTestSuites.Counter();
        var stopping = Coin(before: async (_, ct) =>
        {
            if (started.Increment() > 5)
            {
                await stop.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return null;
        });

        var interrupted = await RunAsync([stopping], stop.Token, "eval", "coin", "--store", StoreArg, "--out", OutDir);

        Assert.Equal(ExitCodes.Canceled, interrupted.ExitCode);
        Assert.Contains("Interrupted: 5 of 40 trials finished; the partial report is in " + OutDir, interrupted.Error, StringComparison.Ordinal);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(OutDir, "trials.jsonl")).Length);
        using (var partial = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutDir, "report.json"))))
        {
            Assert.True(partial.RootElement.GetProperty("interrupted").GetBoolean());
            Assert.Equal(5, partial.RootElement.GetProperty("trials").GetArrayLength());
        }

        var hint = Assert.Single(interrupted.ErrorLines, l => l.StartsWith("Resume with: ", StringComparison.Ordinal));
        Assert.Equal($"Resume with: nines eval coin --store {StoreArg} --out {OutDir} --resume", hint);

        var again = await RunAsync([Coin()], "eval", "coin", "--store", StoreArg, "--out", OutDir);
        Assert.Equal(ExitCodes.Usage, again.ExitCode);
        Assert.Contains("is unfinished (5 of 40 trials journaled)", again.Error, StringComparison.Ordinal);

        var resumeArgs = hint["Resume with: nines ".Length..].Split(' ');
        var resumed = await RunAsync([Coin()], resumeArgs);

        Assert.True(resumed.ExitCode == ExitCodes.Success, resumed.Error);
        Assert.Contains("5 of 40 trials came from the journal, 35 ran now", resumed.Out, StringComparison.Ordinal);
        Assert.Equal(40, File.ReadAllLines(Path.Combine(OutDir, "trials.jsonl")).Length);
    }

    private static EvalSuiteDefinition Named(string name) => new() { Name = name, Create = _ => EvalTestSuites.Coin() };

    private static EvalSuiteDefinition Coin(Func<EvalTrialContext, CancellationToken, ValueTask<object?>>? before = null) => new()
    {
        Name = "coin",
        Description = "A seeded coin per trial.",
        Parameters = [new EvalSuiteParameter("cases", "How many cases.", "4")],
        Create = arguments => EvalTestSuites.Coin(cases: arguments.GetInt32("cases"), before: before),
    };

    private static Task<CliRunResult> RunAsync(EvalSuiteDefinition[] suites, params string[] args) => RunAsync(suites, CancellationToken.None, args);

    private static async Task<CliRunResult> RunAsync(EvalSuiteDefinition[] suites, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await NinesCommandLine.InvokeAsync(args, new CliConsole(output, error), cancellationToken: cancellationToken, userSuites: suites);
        return new CliRunResult(exitCode, output.ToString(), error.ToString());
    }
}
