using System.Diagnostics;
using System.Globalization;
using Nines.Workflows;
using Nines.Workflows.Storage;
using Xunit.Abstractions;

namespace Nines.Tests.Workflows.Durability;

/// <summary>
/// The takeover test's body, shared by every store: process 1 is frozen (SIGSTOP) inside a slow step, its lease runs
/// out, process 2 takes the run over and finishes it; then process 1 wakes (SIGCONT) and tries to journal its own
/// result — the store must refuse it (fencing) and keep process 2's.
/// </summary>
internal static class TakeoverScenario
{
    private const string RunId = "takeover-0001";
    private static readonly TimeSpan _lease = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(string storeSpec, Func<IWorkflowStore> openStore, ITestOutputHelper output)
    {
        var logDirectory = Directory.CreateTempSubdirectory("nines-takeover-logs-").FullName;
        string[] arguments =
        [
            "--store", storeSpec,
            "--log-dir", logDirectory,
            "--workflow", "crash-takeover",
            "--runs", "1",
            "--hold-ms", "3000",
            "--lease-ms", ((int)_lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--heartbeat-ms", "500",
            "--poll-ms", "100",
            "--exit-when-done",
        ];

        var clock = Stopwatch.StartNew();
        using var first = CrashHostProcess.Start(arguments);
        await using var store = openStore();

        // Wait until process 1 is inside the step, and freeze it just after a heartbeat: a process frozen in the middle
        // of a write would hold the database's write lock (SQLite) or the run's row lock (PostgreSQL) while frozen.
        await WaitUntilAsync(() => Task.FromResult(ExecutionLogs.Read(logDirectory).Executions.Any(e => e.Pid == first.Pid && e.Step == "slow")), first, "process 1 to begin the slow step");
        await store.InitializeAsync();
        var leaseBefore = (await store.GetRunAsync(RunId))!.LeaseExpiresAt;
        await WaitUntilAsync(async () => (await store.GetRunAsync(RunId))!.LeaseExpiresAt != leaseBefore, first, "process 1 to renew its lease");
        var heldBy = (await store.GetRunAsync(RunId))!;
        await first.FreezeAsync();
        var frozenAt = clock.Elapsed;

        // Past the lease: process 1 renews nothing while frozen.
        await Task.Delay(_lease + TimeSpan.FromMilliseconds(500));
        using var second = CrashHostProcess.Start(arguments);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"Process 2 ({second.Pid}) did not take the run over and finish it within 60 s:\n{second.StandardError}");
        Assert.True(second.ExitCode == 0, $"Process 2 exited with {second.ExitCode}:\n{second.StandardError}");

        var done = (await store.GetRunAsync(RunId))!;
        var journalBefore = await store.GetStepsAsync(RunId);
        var expected = $"\"pid {second.Pid}\"";
        Assert.Equal(WorkflowRunStatus.Completed, done.Status);
        Assert.Equal(expected, done.OutputJson);
        Assert.True(done.LeaseEpoch > heldBy.LeaseEpoch, $"The run's epoch is {done.LeaseEpoch}; a takeover must have raised it above process 1's {heldBy.LeaseEpoch}.");
        var slow = Assert.Single(journalBefore);
        Assert.Equal(expected, slow.OutputJson);

        await first.ResumeAsync();
        var resumedAt = clock.Elapsed;
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"Process 1 ({first.Pid}) did not exit within 60 s of being resumed:\n{first.StandardError}");
        Assert.True(first.ExitCode == 0, $"Process 1 exited with {first.ExitCode}:\n{first.StandardError}");

        // Process 1 finished its step and tried to journal it: refused, at its old epoch.
        var logs = ExecutionLogs.Read(logDirectory);
        Assert.Empty(logs.Violations);
        Assert.Equal([first.Pid, second.Pid], logs.Executions.Where(e => e.RunId == RunId && e.Step == "slow").Select(e => e.Pid).Order());
        var rejection = Assert.Single(logs.Rejections, r => r.Pid == first.Pid);
        Assert.Equal(RunId, rejection.RunId);
        Assert.Equal(heldBy.LeaseEpoch, rejection.Epoch);
        Assert.DoesNotContain(logs.Rejections, r => r.Pid == second.Pid);

        // Nothing process 1 did changed the run or its journal.
        var after = (await store.GetRunAsync(RunId))!;
        var journalAfter = await store.GetStepsAsync(RunId);
        Assert.Equal(done, after);
        Assert.Equal(journalBefore, journalAfter);

        output.WriteLine($"store: {store.Description}");
        output.WriteLine($"process 1 ({first.Pid}) held epoch {heldBy.LeaseEpoch}, frozen at {frozenAt.TotalSeconds:F1} s; process 2 ({second.Pid}) took over at epoch {done.LeaseEpoch} and finished; process 1 resumed at {resumedAt.TotalSeconds:F1} s");
        output.WriteLine($"rejected: {rejection.Line}");
        output.WriteLine($"journal: {slow.Name} = {slow.OutputJson} (attempts {slow.Attempts}), output {after.OutputJson}; total {clock.Elapsed.TotalSeconds:F1} s");

        CrashScenario.TryDelete(logDirectory);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CrashHostProcess host, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(host.HasExited, $"Waiting for {what}, process {host.Pid} exited:\n{host.StandardError}");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"Timed out waiting for {what}:\n{host.StandardError}");
            await Task.Delay(10);
        }
    }
}
