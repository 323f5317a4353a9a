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
internal sealed class KillableStore(IWorkflowStore inner) : IWorkflowStore
{
    private volatile bool _dead;

    public string Description => inner.Description;

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

    public Task InitializeAsync(CancellationToken cancellationToken = default) { Check(); return inner.InitializeAsync(cancellationToken); }

    public Task<(WorkflowRun Run, bool Created)> CreateRunAsync(NewWorkflowRun run, CancellationToken cancellationToken = default) { Check(); return inner.CreateRunAsync(run, cancellationToken); }

    public Task<WorkflowRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default) { Check(); return inner.GetRunAsync(runId, cancellationToken); }

    public Task<IReadOnlyList<WorkflowRun>> ListRunsAsync(WorkflowRunQuery query, CancellationToken cancellationToken = default) { Check(); return inner.ListRunsAsync(query, cancellationToken); }

    public Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) { Check(); return inner.GetStepsAsync(runId, cancellationToken); }

    public Task<IReadOnlyList<WorkflowSignal>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default) { Check(); return inner.GetSignalsAsync(runId, cancellationToken); }

    public Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default) { Check(); return inner.ClaimRunsAsync(request, cancellationToken); }

    public async Task<LeaseRenewal> RenewLeaseAsync(WorkflowLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Check();
        if (FreezeHeartbeats)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await inner.RenewLeaseAsync(lease, expiresAt, cancellationToken);
    }

    public Task ReleaseLeaseAsync(WorkflowLease lease, DateTimeOffset now, CancellationToken cancellationToken = default) { Check(); return inner.ReleaseLeaseAsync(lease, now, cancellationToken); }

    public async Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default)
    {
        Check();
        try
        {
            await inner.SaveStepsAsync(lease, steps, cancellationToken);
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

    public Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default) { Check(); return inner.TryConsumeSignalAsync(lease, signalName, step, cancellationToken); }

    public Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default) { Check(); return inner.SuspendRunAsync(lease, suspension, cancellationToken); }

    public Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default) { Check(); return inner.CompleteRunAsync(lease, completion, cancellationToken); }

    public Task<WorkflowSignal> SendSignalAsync(string runId, string name, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken = default) { Check(); return inner.SendSignalAsync(runId, name, payloadJson, now, cancellationToken); }

    public Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default) { Check(); return inner.RequestCancelAsync(runId, now, cancellationToken); }

    public Task<DateTimeOffset?> GetNextWakeAsync(IReadOnlyCollection<WorkflowVersionKey> registrations, CancellationToken cancellationToken = default) { Check(); return inner.GetNextWakeAsync(registrations, cancellationToken); }

    public Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) { Check(); return inner.WaitForWorkAsync(maxWait, cancellationToken); }

    public Task RegisterWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken = default) { Check(); return inner.RegisterWorkerAsync(worker, cancellationToken); }

    public Task<int> UpdateBlockedRunsAsync(DateTimeOffset now, DateTimeOffset liveSince, CancellationToken cancellationToken = default) { Check(); return inner.UpdateBlockedRunsAsync(now, liveSince, cancellationToken); }

    public Task<WorkflowPruneResult> PruneAsync(DateTimeOffset finishedBefore, Func<ArchivedWorkflowRun, CancellationToken, Task>? archive = null, CancellationToken cancellationToken = default) { Check(); return inner.PruneAsync(finishedBefore, archive, cancellationToken); }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class ProcessDiedException() : Exception("the process died (simulated)");
