using System.Text.Json;
using Nines.Tests.Workflows;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Cli;

public sealed class RunsCommandTests : IAsyncLifetime
{
    private readonly WorkflowTestBed _bed = new();
    private readonly Probe _probe = new();
    private WorkflowRun _completed = null!;
    private WorkflowRun _waiting = null!;

    private string Store => "sqlite:" + _bed.Path;

    public async Task InitializeAsync()
    {
        _bed.Registry.Add(() => new ThreeSteps(_probe)).Add(() => new ApprovalFlow(_probe));
        var client = _bed.Client();
        _completed = await client.StartAsync<ThreeSteps, OrderInput, OrderResult>(new OrderInput("acme", 12.5m));
        _waiting = await client.StartAsync<ApprovalFlow, TimeSpan?, string>(null);
        await _bed.Worker().RunUntilIdleAsync();
        Assert.Equal(WorkflowRunStatus.Completed, (await _bed.Store.GetRunAsync(_completed.RunId))!.Status);
        Assert.Equal(WorkflowRunStatus.Suspended, (await _bed.Store.GetRunAsync(_waiting.RunId))!.Status);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task List_NoFilter_ShowsEveryRunWithStatusAndWhatItWaitsFor()
    {
        var result = await CliTestRunner.RunAsync("runs", "list", "--store", Store);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.StartsWith("id ", lines[0], StringComparison.Ordinal);
        Assert.Contains("waiting for / error", lines[0], StringComparison.Ordinal);
        var completedLine = Assert.Single(lines, l => l.StartsWith(_completed.RunId, StringComparison.Ordinal));
        Assert.Contains("three-steps", completedLine, StringComparison.Ordinal);
        Assert.Contains("completed", completedLine, StringComparison.Ordinal);
        var waitingLine = Assert.Single(lines, l => l.StartsWith(_waiting.RunId, StringComparison.Ordinal));
        Assert.Contains("suspended", waitingLine, StringComparison.Ordinal);
        Assert.Contains("signal:approval", waitingLine, StringComparison.Ordinal);
        Assert.Contains("2026-01-05 09:00:00", waitingLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_StatusFilter_ShowsOnlyRunsWithThatStatus()
    {
        var result = await CliTestRunner.RunAsync("runs", "list", "--status", "suspended,blocked", "--store", Store);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(_waiting.RunId, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(_completed.RunId, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WorkflowFilterWithJson_PrintsAJsonArrayOfThatWorkflowsRuns()
    {
        var result = await CliTestRunner.RunAsync("runs", "list", "--workflow", "three-steps", "--json", "--store", Store);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var run = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(_completed.RunId, run.GetProperty("runId").GetString());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task List_UnknownStatus_ExitsWithUsageNamingTheValidStatuses()
    {
        var result = await CliTestRunner.RunAsync("runs", "list", "--status", "done", "--store", Store);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.Contains("'done'", error, StringComparison.Ordinal);
        Assert.Contains("pending,running,suspended,completed,failed,cancelled,blocked", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoStoreFileAtPath_ExitsWithUsageAndCreatesNoFile()
    {
        var missing = Path.Combine(Path.GetDirectoryName(_bed.Path)!, "typo.db");

        var result = await CliTestRunner.RunAsync("runs", "list", "--store", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: no store at {missing}; start a run first or pass --store", result.ErrorLines.Single(), StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task List_CorruptStoreFile_ExitsWithUsageAndTheStoresMessageWithoutChangingTheFile()
    {
        var corrupt = Path.Combine(Path.GetDirectoryName(_bed.Path)!, "corrupt.db");
        byte[] garbage = [.. "this is not a database, just some text that happens to be long enough"u8];
        await File.WriteAllBytesAsync(corrupt, garbage);

        var result = await CliTestRunner.RunAsync("runs", "list", "--store", "sqlite:" + corrupt);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(corrupt, error, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", error, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(corrupt));
    }

    [Fact]
    public async Task Show_CompletedRun_PrintsHeaderAndStepTimeline()
    {
        var result = await CliTestRunner.RunAsync("runs", "show", _completed.RunId, "--store", Store);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("three-steps v1", result.Out, StringComparison.Ordinal);
        Assert.Contains("lease      owner (none), epoch 1", result.Out, StringComparison.Ordinal);
        Assert.Contains("\"customer\":\"acme\"", result.Out, StringComparison.Ordinal);
        Assert.Contains("steps (3)", result.Out, StringComparison.Ordinal);
        var lines = result.Out.Split('\n');
        var pay = Assert.Single(lines, l => l.Contains(" pay ", StringComparison.Ordinal));
        Assert.Contains("effect", pay, StringComparison.Ordinal);
        Assert.Contains("completed", pay, StringComparison.Ordinal);
        Assert.Contains($"{_completed.RunId}/2/pay", pay, StringComparison.Ordinal);
        var summarise = Assert.Single(lines, l => l.Contains("summarise", StringComparison.Ordinal));
        Assert.Contains("  11 B", summarise, StringComparison.Ordinal); // "acme:12.5" as JSON
        Assert.Contains("signals (0 pending, 0 consumed)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Json_PrintsRunStepsAndSignals()
    {
        var result = await CliTestRunner.RunAsync("runs", "show", _completed.RunId, "--json", "--store", Store);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(_completed.RunId, json.RootElement.GetProperty("run").GetProperty("runId").GetString());
        Assert.Equal(["summarise", "check", "pay"], json.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(0, json.RootElement.GetProperty("signals").GetArrayLength());
    }

    [Fact]
    public async Task Show_MissingRun_ExitsWithUsageAndTheNotFoundMessage()
    {
        var result = await CliTestRunner.RunAsync("runs", "show", "nope", "--store", Store);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {new WorkflowRunNotFoundException("nope", "sqlite:" + _bed.Path).Message}", result.ErrorLines.Single());
    }

    [Fact]
    public async Task Signal_WaitingRun_ResumesAndCompletesOnTheNextWorkerPass()
    {
        var first = await CliTestRunner.RunAsync(_bed.Time, "runs", "signal", _waiting.RunId, "approval", """{"by":"ann","approved":true}""", "--store", Store);
        var second = await CliTestRunner.RunAsync(_bed.Time, "runs", "signal", _waiting.RunId, "approval", """{"by":"bob","approved":true}""", "--store", Store);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains($"sent signal 'approval' (#1) to run {_waiting.RunId}", first.Out, StringComparison.Ordinal);
        Assert.Contains("""{"by":"ann","approved":true}""", first.Out, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        await _bed.Worker().RunUntilIdleAsync();
        Assert.Equal("ann,bob", await _bed.Client().GetResultAsync<string>(_waiting.RunId));

        var shown = await CliTestRunner.RunAsync("runs", "show", _waiting.RunId, "--store", Store);
        Assert.Contains("signals (0 pending, 2 consumed)", shown.Out, StringComparison.Ordinal);
        Assert.Contains("consumed at step 1", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signal_BadJson_ExitsWithUsageTheParseErrorAndAnExample()
    {
        var result = await CliTestRunner.RunAsync("runs", "signal", _waiting.RunId, "approval", "{by: ann}", "--store", Store);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: the signal payload is not valid JSON (", error, StringComparison.Ordinal);
        Assert.Contains("nines runs signal <id> approval '{\"by\":\"ann\",\"approved\":true}'", error, StringComparison.Ordinal);
        Assert.Empty(await _bed.Store.GetSignalsAsync(_waiting.RunId));
    }

    [Fact]
    public async Task Signal_MissingRun_ExitsWithUsageAndTheNotFoundMessage()
    {
        var result = await CliTestRunner.RunAsync("runs", "signal", "nope", "approval", "true", "--store", Store);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No run with id 'nope'", result.ErrorLines.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signal_FinishedRun_ExitsWithUsage()
    {
        var result = await CliTestRunner.RunAsync("runs", "signal", _completed.RunId, "approval", "true", "--store", Store);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(_completed.RunId, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_WaitingRun_IsCancelledOnTheNextWorkerPass()
    {
        var result = await CliTestRunner.RunAsync(_bed.Time, "runs", "cancel", _waiting.RunId, "--store", Store);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"cancellation requested for run {_waiting.RunId}", result.Out, StringComparison.Ordinal);
        await _bed.Worker().RunUntilIdleAsync();
        Assert.Equal(WorkflowRunStatus.Cancelled, (await _bed.Store.GetRunAsync(_waiting.RunId))!.Status);

        var again = await CliTestRunner.RunAsync(_bed.Time, "runs", "cancel", _waiting.RunId, "--store", Store);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("had already finished (cancelled); nothing to cancel", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_WithArchive_AppendsTheRunAsOneJsonLineThenDeletesIt()
    {
        var archive = Path.Combine(Path.GetDirectoryName(_bed.Path)!, "archive.jsonl");
        _bed.Time.Advance(TimeSpan.FromDays(31));

        var result = await CliTestRunner.RunAsync(_bed.Time, "runs", "prune", "--older-than", "30d", "--archive", archive, "--store", Store);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("pruned 1 run(s) that finished before 2026-01-06 09:00:00", result.Out, StringComparison.Ordinal);
        Assert.Contains($"archived 1 to {archive}", result.Out, StringComparison.Ordinal);
        var line = Assert.Single(await File.ReadAllLinesAsync(archive));
        using var json = JsonDocument.Parse(line);
        Assert.Equal(_completed.RunId, json.RootElement.GetProperty("run").GetProperty("runId").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("steps").GetArrayLength());
        Assert.Null(await _bed.Store.GetRunAsync(_completed.RunId));
        Assert.NotNull(await _bed.Store.GetRunAsync(_waiting.RunId));
    }

    [Fact]
    public async Task Prune_RunsNewerThanTheCutoff_AreKept()
    {
        _bed.Time.Advance(TimeSpan.FromHours(11));

        var result = await CliTestRunner.RunAsync(_bed.Time, "runs", "prune", "--older-than", "12h", "--store", Store);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("pruned 0 run(s)", result.Out, StringComparison.Ordinal);
        Assert.NotNull(await _bed.Store.GetRunAsync(_completed.RunId));
    }

    [Fact]
    public async Task Prune_DryRun_ListsWhatWouldGoAndDeletesNothing()
    {
        _bed.Time.Advance(TimeSpan.FromMinutes(91));

        var result = await CliTestRunner.RunAsync(_bed.Time, "runs", "prune", "--older-than", "90m", "--dry-run", "--store", Store);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(_completed.RunId, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(_waiting.RunId, result.Out, StringComparison.Ordinal);
        Assert.Contains("dry run: 1 run(s)", result.Out, StringComparison.Ordinal);
        Assert.NotNull(await _bed.Store.GetRunAsync(_completed.RunId));
    }

    [Theory]
    [InlineData("30")]
    [InlineData("30 days")]
    [InlineData("1w")]
    [InlineData("-5d")]
    [InlineData("0h")]
    public async Task Prune_BadDuration_ExitsWithUsageAndExamples(string duration)
    {
        var result = await CliTestRunner.RunAsync("runs", "prune", "--older-than", duration, "--store", Store);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --older-than expects a duration such as 30d (days), 12h (hours), 90m (minutes) or 45s (seconds) (got '{duration}').", result.ErrorLines.Single());
        Assert.NotNull(await _bed.Store.GetRunAsync(_completed.RunId));
    }
}
