using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nines.Simulation;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Samples.InvoiceApproval;

/// <summary>The store, payment service, model, workflow registry and engine settings one command works with.</summary>
internal sealed class SampleApp : IAsyncDisposable
{
    private readonly SqliteWorkflowStore _store;
    private readonly WorkflowRegistry _registry = new();
    private readonly WorkflowEngineOptions _options;

    public SampleApp(Arguments args)
    {
        StoreArgument = args.Option("--store") ?? Program.DefaultStore;
        var storePath = Path.GetFullPath(StoreArgument);
        _store = new SqliteWorkflowStore(storePath);
        Payments = new PaymentService(Path.Combine(Path.GetDirectoryName(storePath)!, "payments.jsonl"));
        _options = new WorkflowEngineOptions
        {
            // Short leases so a run whose worker was killed is taken over within seconds, not half a minute.
            LeaseDuration = TimeSpan.FromSeconds(10),
            HeartbeatInterval = TimeSpan.FromSeconds(3),
            PollInterval = TimeSpan.FromMilliseconds(500),
            ShutdownGracePeriod = TimeSpan.FromSeconds(5),
        };
        WorkerId = _options.WorkerId;

        var crashAfter = args.Option("--crash-after");
        if (crashAfter is not null && crashAfter is not ("extract" or "validate" or "pay"))
        {
            throw new UsageException($"--crash-after {crashAfter}: the steps are extract, validate and pay.");
        }

        var workflowOptions = new ApproveInvoiceOptions
        {
            Log = Console.Out,
            AfterStepBody = step =>
            {
                if (step == crashAfter)
                {
                    Console.WriteLine($"--crash-after {step}: killing this process now, before the result of '{step}' is journaled");
                    Console.Out.Flush();
                    Process.GetCurrentProcess().Kill();
                }
            },
        };

        // A simulated model (right 95% of the time; when wrong, wrong the way models are) with a little latency.
        IChatClient model = new SimulatedChatClient(
            SimulationProfile.Good with { TimeToFirstToken = TimeSpan.FromMilliseconds(300), PerOutputToken = TimeSpan.FromMilliseconds(2) },
            new SimulationOptions { Seed = Environment.ProcessId, Oracle = new InvoiceOracle() }); // a new draw per process
        _registry.Add(() => new ApproveInvoiceWorkflow(model, Payments, workflowOptions));
    }

    /// <summary>The store path as the user wrote it (for commands to copy).</summary>
    public string StoreArgument { get; }

    public PaymentService Payments { get; }

    public string WorkerId { get; }

    public WorkflowClient Client() => new(_store, _registry, _options);

    public async Task<WorkflowRun?> FindRunAsync(string runId)
    {
        await _store.InitializeAsync().ConfigureAwait(false);
        return await _store.GetRunAsync(runId).ConfigureAwait(false);
    }

    public Task RunWorkerAsync(CancellationToken stoppingToken) =>
        new WorkflowWorker(_store, _registry, _options).RunAsync(stoppingToken);

    /// <summary>Runs a worker until <paramref name="runId"/> finishes or suspends to wait for someone, and returns it.</summary>
    public async Task<WorkflowRun> DriveAsync(string runId)
    {
        using var stop = new CancellationTokenSource();
        var worker = RunWorkerAsync(stop.Token);
        var client = Client();
        var announcedLease = false;
        WorkflowRun run;
        while (true)
        {
            run = await client.GetRunAsync(runId).ConfigureAwait(false);
            if (IsSettled(run) || worker.IsCompleted)
            {
                break;
            }

            if (!announcedLease && run.Status == WorkflowRunStatus.Running && run.LeaseOwner != WorkerId)
            {
                Console.WriteLine(await DescribeAsync(run).ConfigureAwait(false));
                announcedLease = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await worker.ConfigureAwait(false);
        return run;
    }

    /// <summary>Prints each run's status when it changes, until cancelled.</summary>
    public async Task WatchAsync(CancellationToken stoppingToken)
    {
        var client = Client();
        var seen = new Dictionary<string, string>();
        try
        {
            while (true)
            {
                foreach (var run in await client.ListAsync(new WorkflowRunQuery { Workflow = ApproveInvoiceWorkflow.Name, Limit = 1000 }, stoppingToken).ConfigureAwait(false))
                {
                    var state = $"{run.Status}|{run.LeaseOwner}|{IsSettled(run)}";
                    var first = !seen.ContainsKey(run.RunId);
                    if (seen.GetValueOrDefault(run.RunId) != state && !(first && WorkflowClient.IsFinished(run.Status)))
                    {
                        Console.WriteLine(await DescribeAsync(run).ConfigureAwait(false));
                    }

                    seen[run.RunId] = state;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One run, for people: where it is and what to do next.</summary>
    public async Task<string> DescribeAsync(WorkflowRun run)
    {
        var id = run.RunId;
        switch (run.Status)
        {
            case WorkflowRunStatus.Completed:
                var receipt = await Client().GetResultAsync<InvoiceReceipt>(id).ConfigureAwait(false);
                var money = ApproveInvoiceWorkflow.Money(receipt.Total, receipt.Currency);
                return receipt.Outcome == InvoiceReceipt.Paid
                    ? $"run {id} completed: {receipt.Invoice} PAID as {receipt.PaymentId}, {money} to {receipt.Vendor}{(receipt.ApprovedBy is null ? "" : $", approved by {receipt.ApprovedBy}")}"
                    : $"run {id} completed: {receipt.Invoice} {receipt.Outcome.ToUpperInvariant()}, nothing paid ({string.Join("; ", receipt.Problems ?? [])})";
            case WorkflowRunStatus.Suspended when run.WaitingFor == "signal:" + ApproveInvoiceWorkflow.ApprovalSignal && IsSettled(run):
                var store = StoreArgument.Contains(' ', StringComparison.Ordinal) ? $"'sqlite:{StoreArgument}'" : $"sqlite:{StoreArgument}";
                var worker = StoreArgument == Program.DefaultStore ? "" : $" --store {StoreArgument}";
                return $$"""
                    run {{id}} is SUSPENDED, waiting for signal '{{ApproveInvoiceWorkflow.ApprovalSignal}}' (no process needs to stay up meanwhile).
                      approve:  dotnet run --project src/Nines.Cli -- runs signal {{id}} approval '{"approved":true,"by":"ann"}' --store {{store}}
                      reject:   dotnet run --project src/Nines.Cli -- runs signal {{id}} approval '{"approved":false,"by":"ann","reason":"not ordered"}' --store {{store}}
                      then:     dotnet run --project samples/InvoiceApproval -- worker{{worker}}
                    """;
            case WorkflowRunStatus.Running when run.LeaseOwner == WorkerId:
                return $"run {id} is running on this worker";
            case WorkflowRunStatus.Running:
                return $"run {id} is running under worker {run.LeaseOwner}'s lease until {run.LeaseExpiresAt:HH:mm:ss}Z; if that process died, a worker takes the run over when the lease expires";
            case WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled or WorkflowRunStatus.Blocked:
                return $"run {id} is {Program.Status(run)}: {run.Error}";
            default:
                return $"run {id} is {Program.Status(run)}{(run.WaitingFor is null ? "" : $", waiting for {run.WaitingFor}")}";
        }
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync().ConfigureAwait(false);

    /// <summary>Finished, blocked, or suspended with nothing yet to wake it: nobody can move it on but a person (or time).</summary>
    private bool IsSettled(WorkflowRun run) =>
        WorkflowClient.IsFinished(run.Status)
        || run.Status == WorkflowRunStatus.Blocked
        || (run.Status == WorkflowRunStatus.Suspended && (run.WakeAt is null || run.WakeAt > _options.TimeProvider.GetUtcNow()));
}
