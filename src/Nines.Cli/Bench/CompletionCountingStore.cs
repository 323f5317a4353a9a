using Nines.Workflows.Storage;

namespace Nines.Cli.Bench;

/// <summary>
/// Passes everything to the real store and completes <see cref="AllCompleted"/> once <see cref="Expected"/> runs
/// were completed through it, so the bench stops its worker at the moment the last run is durable, without polling
/// the store (which would compete with the writes it measures).
/// </summary>
internal sealed class CompletionCountingStore(IWorkflowStore inner) : IWorkflowStore
{
    private TaskCompletionSource _allCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected;
    private int _completed;

    public string Description => inner.Description;

    /// <summary>Completes when <see cref="Expected"/> completions have been written since <see cref="Reset"/>.</summary>
    public Task AllCompleted => _allCompleted.Task;

    public int Expected => _expected;

    /// <summary>Starts counting afresh toward <paramref name="expected"/> completions.</summary>
    public void Reset(int expected)
    {
        _expected = expected;
        _completed = 0;
        _allCompleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default)
    {
        await inner.CompleteRunAsync(lease, completion, cancellationToken).ConfigureAwait(false);
        if (Interlocked.Increment(ref _completed) == _expected)
        {
            _allCompleted.TrySetResult();
        }
    }

    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task<(WorkflowRun Run, bool Created)> CreateRunAsync(NewWorkflowRun run, CancellationToken cancellationToken = default) => inner.CreateRunAsync(run, cancellationToken);

    public Task<WorkflowRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<WorkflowRun>> ListRunsAsync(WorkflowRunQuery query, CancellationToken cancellationToken = default) => inner.ListRunsAsync(query, cancellationToken);

    public Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetStepsAsync(runId, cancellationToken);

    public Task<IReadOnlyList<WorkflowSignal>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetSignalsAsync(runId, cancellationToken);

    public Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default) => inner.ClaimRunsAsync(request, cancellationToken);

    public Task<LeaseRenewal> RenewLeaseAsync(WorkflowLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(lease, expiresAt, cancellationToken);

    public Task ReleaseLeaseAsync(WorkflowLease lease, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, now, cancellationToken);

    public Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default) => inner.SaveStepsAsync(lease, steps, cancellationToken);

    public Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default) => inner.TryConsumeSignalAsync(lease, signalName, step, cancellationToken);

    public Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default) => inner.SuspendRunAsync(lease, suspension, cancellationToken);

    public Task<WorkflowSignal> SendSignalAsync(string runId, string name, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.SendSignalAsync(runId, name, payloadJson, now, cancellationToken);

    public Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.RequestCancelAsync(runId, now, cancellationToken);

    public Task<DateTimeOffset?> GetNextWakeAsync(IReadOnlyCollection<WorkflowVersionKey> registrations, CancellationToken cancellationToken = default) => inner.GetNextWakeAsync(registrations, cancellationToken);

    public Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) => inner.WaitForWorkAsync(maxWait, cancellationToken);

    public Task RegisterWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken = default) => inner.RegisterWorkerAsync(worker, cancellationToken);

    public Task<int> UpdateBlockedRunsAsync(DateTimeOffset now, DateTimeOffset liveSince, CancellationToken cancellationToken = default) => inner.UpdateBlockedRunsAsync(now, liveSince, cancellationToken);

    public Task<WorkflowPruneResult> PruneAsync(DateTimeOffset finishedBefore, Func<ArchivedWorkflowRun, CancellationToken, Task>? archive = null, CancellationToken cancellationToken = default) => inner.PruneAsync(finishedBefore, archive, cancellationToken);

    // The bench owns the inner store and disposes it itself.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
