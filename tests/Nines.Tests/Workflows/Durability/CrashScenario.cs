using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nines.Workflows;
using Nines.Workflows.Storage;
using Xunit.Abstractions;

namespace Nines.Tests.Workflows.Durability;

/// <summary>
/// The crash test's body, shared by every store: start the crash host, SIGKILL it after a random (seeded) 100–800 ms,
/// again and again, then let one host finish the work, and check that nothing was lost, nothing journaled ran twice
/// and every order was paid exactly once.
/// </summary>
internal static class CrashScenario
{
    // Enough work that the kills still find some on a fast, idle machine (on one, 120 runs were all done by kill ~60).
    public const int Runs = 200;
    public const int Kills = 100;
    public const int Seed = 20261126;

    private static readonly string[] _steps = ["draft", "price", "check", "pay", "confirm"];
    private static readonly string[] _journal = ["draft", "price", "check", "cool-off", "pay", "confirm"];

    public static async Task RunAsync(string storeSpec, Func<IWorkflowStore> openStore, ITestOutputHelper output)
    {
        var logDirectory = Directory.CreateTempSubdirectory("nines-crash-logs-").FullName;
        await using var payments = new FakePaymentService();
        string[] arguments =
        [
            "--store", storeSpec,
            "--log-dir", logDirectory,
            "--workflow", "crash-order",
            "--runs", Runs.ToString(CultureInfo.InvariantCulture),
            "--payment-url", payments.Url.ToString(),
            "--model", "sim:good,ttft=20,token=0.1",
            "--step-ms", "50",
            "--max-concurrent", "4",
            "--lease-ms", "2000",
            "--heartbeat-ms", "500",
            "--poll-ms", "100",
        ];

        var random = new Random(Seed);
        var total = Stopwatch.StartNew();
        var killed = new List<int>();
        var startupKills = 0;
        while (killed.Count < Kills)
        {
            using var host = CrashHostProcess.Start(arguments);
            if (killed.Count % 10 == 0)
            {
                // Every tenth life is cut short during startup: opening the store, creating the runs, the first claims.
                await Task.Delay(random.Next(50, 601));
                startupKills++;
            }
            else
            {
                // Otherwise the clock starts once the worker runs, so that every life gets real work done before it dies
                // (a cold start takes most of a second on a busy 2-core machine).
                Assert.True(await host.WaitForReadyAsync(TimeSpan.FromSeconds(60)), $"The crash host {host.Pid} did not get ready within 60 s (exit code {SafeExitCode(host)}):\n{host.StandardError}");
                await Task.Delay(random.Next(100, 801));
            }

            Assert.False(host.HasExited, $"The crash host {host.Pid} exited by itself (code {SafeExitCode(host)}) before it was killed:\n{host.StandardError}");
            await host.KillAsync();
            killed.Add(host.Pid);
        }

        var crashPhase = total.Elapsed;
        using var final = CrashHostProcess.Start([.. arguments, "--max-concurrent", "8", "--exit-when-done"]);
        if (!await final.WaitForExitAsync(TimeSpan.FromMinutes(3)))
        {
            var unfinished = await DescribeUnfinishedAsync(openStore);
            Assert.Fail($"After {Kills} kills the last crash host ({final.Pid}) did not finish the runs within 3 minutes. Unfinished: {unfinished}\nExecution logs: {logDirectory}\nIts stderr:\n{final.StandardError}");
        }

        Assert.True(final.ExitCode == 0, $"The last crash host exited with {final.ExitCode}:\n{final.StandardError}");
        var finalPhase = total.Elapsed - crashPhase;

        var logs = ExecutionLogs.Read(logDirectory);
        await using var store = openStore();
        await store.InitializeAsync();
        var runs = (await store.ListRunsAsync(new WorkflowRunQuery { Workflow = "crash-order", Limit = Runs * 2 }))
            .ToDictionary(r => r.RunId, StringComparer.Ordinal);

        // The figures first, so a failing run still shows them.
        var byStep = logs.Executions.GroupBy(e => (e.RunId, e.Step)).ToList();
        var reExecutions = byStep.Sum(g => g.Count() - 1);
        var killedWhileWorking = killed.Count(pid => logs.Executions.Any(e => e.Pid == pid));
        var repeatedPayments = payments.Requests.GroupBy(p => p.Key).Count(g => g.Count() > 1);
        var paidTwice = payments.Requests.Where(p => p.Applied).GroupBy(p => p.RunId).Count(g => g.Count() > 1);
        output.WriteLine($"store: {store.Description}; seed {Seed}; {Runs} runs");
        output.WriteLine($"kills: {killed.Count} (SIGKILL; {startupKills} 50–600 ms after launch, the rest 100–800 ms after READY) in {crashPhase.TotalSeconds:F1} s; {killedWhileWorking} of the killed processes had begun at least one step body");
        output.WriteLine($"processes: {killed.Count + 1} started, {logs.Starts.Count} got as far as opening their log; final host finished the rest in {finalPhase.TotalSeconds:F1} s; total {total.Elapsed.TotalSeconds:F1} s; startup to READY median {Median(logs.StartupMilliseconds):F0} ms");
        output.WriteLine($"claims: {runs.Values.Sum(r => r.LeaseEpoch)} (sum of final epochs; a run without kills needs 2: before and after its sleep)");
        output.WriteLine($"step executions: {logs.Executions.Count} for {byStep.Count} steps ({logs.Executions.Count(e => e.Pid == final.Pid)} by the final host); re-executions (killed before the journal write): {reExecutions}");
        output.WriteLine("re-executions by step: " + string.Join(", ", _steps.Select(s => $"{s} {byStep.Where(g => g.Key.Step == s).Sum(g => g.Count() - 1)}")));
        output.WriteLine($"payments: {payments.Requests.Count} requests, {payments.Requests.Count(p => p.Applied)} applied, {repeatedPayments} keys sent more than once (killed between the payment and its journal write), {paidTwice} runs paid twice");
        output.WriteLine($"violations: {logs.Violations.Count}; lease rejections: {logs.Rejections.Count}");

        // Nothing lost, nothing failed.
        Assert.Equal(Runs, runs.Count);
        var notCompleted = runs.Values.Where(r => r.Status != WorkflowRunStatus.Completed).Select(r => $"{r.RunId}: {r.Status} {r.Error}").ToList();
        Assert.True(notCompleted.Count == 0, "Runs that did not complete:\n" + string.Join("\n", notCompleted));

        // A journaled step never ran again, in any process.
        Assert.True(logs.Violations.Count == 0, "Completed steps executed again:\n" + string.Join("\n", logs.Violations));
        Assert.Empty(logs.Malformed);

        // Re-executions happen only to steps whose process died before journaling them: never twice in one process,
        // and every execution but one (the journaled one) belongs to a process that was killed.
        var killedSet = killed.ToHashSet();
        foreach (var group in byStep)
        {
            Assert.True(group.Select(e => e.Pid).Distinct().Count() == group.Count(), $"{group.Key.RunId} {group.Key.Step} ran more than once in one process: pids {string.Join(", ", group.Select(e => e.Pid))}");
            Assert.True(group.Count(e => !killedSet.Contains(e.Pid)) <= 1, $"{group.Key.RunId} {group.Key.Step} ran in more than one process that was not killed.");
        }

        foreach (var run in runs.Values)
        {
            // Every step body ran at least once, and the journal holds every step, completed.
            foreach (var step in _steps)
            {
                Assert.Contains(byStep, g => g.Key == (run.RunId, step));
            }

            var journal = await store.GetStepsAsync(run.RunId);
            Assert.Equal(_journal, journal.Where(s => s.Item < 0).Select(s => s.Name));
            Assert.All(journal, s => Assert.Equal(StepStatus.Completed, s.Status));

            // Exactly one applied payment per run, under one key: the key the journal holds, with the receipt the run returned.
            var requests = payments.Requests.Where(p => p.RunId == run.RunId).ToList();
            var applied = Assert.Single(requests, p => p.Applied);
            Assert.Single(requests.Select(p => p.Key).Distinct());
            var pay = journal.Single(s => s.Name == "pay");
            Assert.Equal(pay.IdempotencyKey, applied.Key);
            Assert.Equal(100 + int.Parse(run.RunId["order-".Length..], CultureInfo.InvariantCulture), applied.Amount);
            using var result = JsonDocument.Parse(run.OutputJson!);
            Assert.Equal(applied.Receipt, result.RootElement.GetProperty("receipt").GetString());
        }

        Assert.All(payments.Requests, p => Assert.Contains(p.RunId, runs.Keys));

        // The kills must have interrupted work, or this test proved nothing.
        Assert.True(reExecutions > 0, $"{Kills} kills caused no re-execution: the kills did not land inside steps. Make the runs longer.");
        Assert.True(killedWhileWorking >= Kills / 5, $"Only {killedWhileWorking} of {Kills} killed processes had begun a step: most kills landed before or after all the work. Add runs or make them longer.");

        TryDelete(logDirectory);
    }

    private static async Task<string> DescribeUnfinishedAsync(Func<IWorkflowStore> openStore)
    {
        await using var store = openStore();
        await store.InitializeAsync();
        var runs = await store.ListRunsAsync(new WorkflowRunQuery { Workflow = "crash-order", Limit = Runs * 2 });
        return string.Join(", ", runs.Where(r => !WorkflowClient.IsFinished(r.Status)).Select(r => $"{r.RunId} {r.Status} (epoch {r.LeaseEpoch}, owner {r.LeaseOwner}, waiting for {r.WaitingFor})"));
    }

    private static double Median(IReadOnlyList<double> values) =>
        values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

    private static string SafeExitCode(CrashHostProcess host) => host.HasExited ? host.ExitCode.ToString(CultureInfo.InvariantCulture) : "?";

    internal static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
