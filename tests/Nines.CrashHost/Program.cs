using System.Globalization;
using Nines.Models;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CrashHost;

/// <summary>
/// Runs a workflow worker against the store given by <c>--store</c> until killed, or with <c>--exit-when-done</c>
/// until all <c>--runs</c> runs are finished. Creates the runs first (fixed ids, so every restart finds the same ones).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        HostArguments arguments;
        try
        {
            arguments = HostArguments.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        try
        {
            return await RunAsync(arguments);
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"crash host {Environment.ProcessId} failed: {ex}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(HostArguments arguments)
    {
        using var log = new ExecutionLog(arguments.LogDirectory);
        log.Append($"START {ExecutionLog.Pid} {DateTimeOffset.UtcNow:O}");
        await using var store = new LeaseLossLoggingStore(StoreSpec.Open(arguments.Store), log);
        var recorder = new StepRecorder(store, log);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var model = ModelFactory.Create(arguments.Model);
        var registry = new WorkflowRegistry()
            .Add(() => new CrashOrderWorkflow(recorder, model, http, arguments.PaymentUrl ?? new Uri("http://127.0.0.1:1/"), arguments.StepWork))
            .Add(() => new CrashTakeoverWorkflow(recorder, arguments.Hold));
        var options = new WorkflowEngineOptions
        {
            WorkerId = $"crash-host-{ExecutionLog.Pid}",
            LeaseDuration = arguments.Lease,
            HeartbeatInterval = arguments.Heartbeat,
            PollInterval = arguments.Poll,
            MaxConcurrentRuns = arguments.MaxConcurrentRuns,
            ShutdownGracePeriod = TimeSpan.FromSeconds(1),
        };

        // Every start creates the same runs (idempotent by id); skipping the ones that exist keeps restarts quick.
        var client = new WorkflowClient(store, registry, options);
        var existing = (await client.ListAsync(new WorkflowRunQuery { Workflow = arguments.Workflow, Limit = arguments.Runs + 100 }))
            .Select(r => r.RunId)
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 1; i <= arguments.Runs; i++)
        {
            var runId = RunId(arguments.Workflow, i);
            if (existing.Contains(runId))
            {
                continue;
            }

            if (arguments.Workflow == CrashOrderWorkflow.Name)
            {
                await client.StartAsync(arguments.Workflow, new OrderInput(runId, 100 + i), new StartWorkflowOptions { RunId = runId });
            }
            else
            {
                await client.StartAsync(arguments.Workflow, runId, new StartWorkflowOptions { RunId = runId });
            }
        }

        // The tests time their kills from here, so that each life of the host gets some real work done.
        var startup = DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime;
        var ready = string.Create(CultureInfo.InvariantCulture, $"READY {ExecutionLog.Pid} {startup.TotalMilliseconds:F0}");
        log.Append(ready);
        Console.WriteLine(ready);

        // On the thread pool: SQLite calls complete synchronously, so the worker loop would otherwise keep this thread.
        using var stop = new CancellationTokenSource();
        var worker = new WorkflowWorker(store, registry, options);
        var working = Task.Run(() => worker.RunAsync(stop.Token));
        if (!arguments.ExitWhenDone)
        {
            await working;
            return 0;
        }

        while (true)
        {
            if (working.IsCompleted)
            {
                await working;
                await Console.Error.WriteLineAsync("The worker stopped before the runs finished.");
                return 1;
            }

            var runs = await store.ListRunsAsync(new WorkflowRunQuery { Workflow = arguments.Workflow, Limit = arguments.Runs + 100 });
            var finished = runs.Count(r => WorkflowClient.IsFinished(r.Status));
            if (runs.Count >= arguments.Runs && finished == runs.Count)
            {
                await stop.CancelAsync();
                try
                {
                    await working;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Everything was already finished before the worker got going (it was still opening the store).
                }

                log.Append($"DONE {ExecutionLog.Pid} {finished} finished");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{finished} runs finished: {runs.Count(r => r.Status == WorkflowRunStatus.Completed)} completed."));
                return 0;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The fixed run ids: <c>order-0001</c> … for crash-order, <c>takeover-0001</c> … for crash-takeover.</summary>
    public static string RunId(string workflow, int index) =>
        (workflow == CrashOrderWorkflow.Name ? "order-" : "takeover-") + index.ToString("D4", CultureInfo.InvariantCulture);
}
