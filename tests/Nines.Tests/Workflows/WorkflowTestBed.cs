using Microsoft.Extensions.Time.Testing;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows;

/// <summary>A temporary SQLite store, a fake clock, a registry, and helpers to make workers and clients over them.</summary>
internal sealed class WorkflowTestBed : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nines-wf-").FullName;

    public WorkflowTestBed()
    {
        Path = System.IO.Path.Combine(_directory, "nines.db");
        Store = new SqliteWorkflowStore(Path);
    }

    public string Path { get; }

    public SqliteWorkflowStore Store { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public WorkflowRegistry Registry { get; } = new();

    public WorkflowEngineOptions Options(string workerId = "worker-a") => new()
    {
        WorkerId = workerId,
        TimeProvider = Time,
        LeaseDuration = TimeSpan.FromSeconds(30),
        HeartbeatInterval = TimeSpan.FromSeconds(10),
    };

    public WorkflowWorker Worker(string workerId = "worker-a", IWorkflowStore? store = null, WorkflowRegistry? registry = null, Action<WorkflowEngineOptions>? configure = null)
    {
        var options = Options(workerId);
        configure?.Invoke(options);
        return new WorkflowWorker(store ?? Store, registry ?? Registry, options);
    }

    public WorkflowClient Client(Action<WorkflowEngineOptions>? configure = null)
    {
        var options = Options("client");
        configure?.Invoke(options);
        return new WorkflowClient(Store, Registry, options);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A store whose owner process "dies" on demand: after <see cref="Kill"/> every call fails, as if the process were
/// gone, so nothing more reaches the real store. Used to simulate a crash at an exact point in-process; the crash
/// tests kill real processes.
/// </summary>
internal sealed class KillableStore(IWorkflowStore inner) : DelegatingWorkflowStore(inner, ownsInner: false)
{
    private volatile bool _dead;

    /// <summary>When set, heartbeats hang (a frozen process renews nothing) until cancelled.</summary>
    public bool FreezeHeartbeats { get; set; }

    /// <summary>Fencing rejections this process received.</summary>
    public List<WorkflowLeaseLostException> Rejections { get; } = [];

    public void Kill() => _dead = true;

    private void Check()
    {
        if (_dead)
        {
            throw new ProcessDiedException();
        }
    }

    public override Task InitializeAsync(CancellationToken cancellationToken = default) { Check(); return base.InitializeAsync(cancellationToken); }

    public override Task<(WorkflowRun Run, bool Created)> CreateRunAsync(NewWorkflowRun run, CancellationToken cancellationToken = default) { Check(); return base.CreateRunAsync(run, cancellationToken); }

    public override Task<WorkflowRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default) { Check(); return base.GetRunAsync(runId, cancellationToken); }

    public override Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) { Check(); return base.GetStepsAsync(runId, cancellationToken); }

    public override Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default) { Check(); return base.ClaimRunsAsync(request, cancellationToken); }

    public override async Task<LeaseRenewal> RenewLeaseAsync(WorkflowLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Check();
        if (FreezeHeartbeats)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await base.RenewLeaseAsync(lease, expiresAt, cancellationToken);
    }

    public override Task ReleaseLeaseAsync(WorkflowLease lease, DateTimeOffset now, CancellationToken cancellationToken = default) { Check(); return base.ReleaseLeaseAsync(lease, now, cancellationToken); }

    public override async Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default)
    {
        Check();
        try
        {
            await base.SaveStepsAsync(lease, steps, cancellationToken);
        }
        catch (WorkflowLeaseLostException ex)
        {
            lock (Rejections)
            {
                Rejections.Add(ex);
            }

            throw;
        }
    }

    public override Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default) { Check(); return base.TryConsumeSignalAsync(lease, signalName, step, cancellationToken); }

    public override Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default) { Check(); return base.SuspendRunAsync(lease, suspension, cancellationToken); }

    public override Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default) { Check(); return base.CompleteRunAsync(lease, completion, cancellationToken); }

    public override Task RegisterWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken = default) { Check(); return base.RegisterWorkerAsync(worker, cancellationToken); }

    public override Task<int> UpdateBlockedRunsAsync(DateTimeOffset now, DateTimeOffset liveSince, CancellationToken cancellationToken = default) { Check(); return base.UpdateBlockedRunsAsync(now, liveSince, cancellationToken); }
}

internal sealed class ProcessDiedException() : Exception("the process died (simulated)");
