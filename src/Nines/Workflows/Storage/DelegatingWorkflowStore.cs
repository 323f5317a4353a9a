namespace Nines.Workflows.Storage;

/// <summary>
/// A store that passes every call to an inner store; derive from it to observe or change a few calls (metrics,
/// logging, fault injection) without writing out the rest, as <c>DelegatingChatClient</c> does for chat clients.
/// </summary>
/// <remarks>Disposing it disposes the inner store unless <c>ownsInner</c> was false.</remarks>
public abstract class DelegatingWorkflowStore : IWorkflowStore
{
    private readonly bool _ownsInner;

    /// <summary>Creates the wrapper.</summary>
    /// <param name="innerStore">The store calls go to.</param>
    /// <param name="ownsInner">Whether disposing this wrapper disposes <paramref name="innerStore"/>.</param>
    protected DelegatingWorkflowStore(IWorkflowStore innerStore, bool ownsInner = true)
    {
        ArgumentNullException.ThrowIfNull(innerStore);
        InnerStore = innerStore;
        _ownsInner = ownsInner;
    }

    /// <summary>The store calls go to.</summary>
    protected IWorkflowStore InnerStore { get; }

    /// <inheritdoc />
    public virtual string Description => InnerStore.Description;

    /// <inheritdoc />
    public virtual Task InitializeAsync(CancellationToken cancellationToken = default) => InnerStore.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public virtual Task<(WorkflowRun Run, bool Created)> CreateRunAsync(NewWorkflowRun run, CancellationToken cancellationToken = default) => InnerStore.CreateRunAsync(run, cancellationToken);

    /// <inheritdoc />
    public virtual Task<WorkflowRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => InnerStore.GetRunAsync(runId, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<WorkflowRun>> ListRunsAsync(WorkflowRunQuery query, CancellationToken cancellationToken = default) => InnerStore.ListRunsAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) => InnerStore.GetStepsAsync(runId, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<WorkflowSignal>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default) => InnerStore.GetSignalsAsync(runId, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default) => InnerStore.ClaimRunsAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual Task<LeaseRenewal> RenewLeaseAsync(WorkflowLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => InnerStore.RenewLeaseAsync(lease, expiresAt, cancellationToken);

    /// <inheritdoc />
    public virtual Task ReleaseLeaseAsync(WorkflowLease lease, DateTimeOffset now, CancellationToken cancellationToken = default) => InnerStore.ReleaseLeaseAsync(lease, now, cancellationToken);

    /// <inheritdoc />
    public virtual Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default) => InnerStore.SaveStepsAsync(lease, steps, cancellationToken);

    /// <inheritdoc />
    public virtual Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default) => InnerStore.TryConsumeSignalAsync(lease, signalName, step, cancellationToken);

    /// <inheritdoc />
    public virtual Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default) => InnerStore.SuspendRunAsync(lease, suspension, cancellationToken);

    /// <inheritdoc />
    public virtual Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default) => InnerStore.CompleteRunAsync(lease, completion, cancellationToken);

    /// <inheritdoc />
    public virtual Task<WorkflowSignal> SendSignalAsync(string runId, string name, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken = default) => InnerStore.SendSignalAsync(runId, name, payloadJson, now, cancellationToken);

    /// <inheritdoc />
    public virtual Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default) => InnerStore.RequestCancelAsync(runId, now, cancellationToken);

    /// <inheritdoc />
    public virtual Task<DateTimeOffset?> GetNextWakeAsync(IReadOnlyCollection<WorkflowVersionKey> registrations, CancellationToken cancellationToken = default) => InnerStore.GetNextWakeAsync(registrations, cancellationToken);

    /// <inheritdoc />
    public virtual Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) => InnerStore.WaitForWorkAsync(maxWait, cancellationToken);

    /// <inheritdoc />
    public virtual Task RegisterWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken = default) => InnerStore.RegisterWorkerAsync(worker, cancellationToken);

    /// <inheritdoc />
    public virtual Task<int> UpdateBlockedRunsAsync(DateTimeOffset now, DateTimeOffset liveSince, CancellationToken cancellationToken = default) => InnerStore.UpdateBlockedRunsAsync(now, liveSince, cancellationToken);

    /// <inheritdoc />
    public virtual Task<WorkflowPruneResult> PruneAsync(DateTimeOffset finishedBefore, Func<ArchivedWorkflowRun, CancellationToken, Task>? archive = null, CancellationToken cancellationToken = default) => InnerStore.PruneAsync(finishedBefore, archive, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner store when this wrapper owns it; override to release more.</summary>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (_ownsInner)
        {
            await InnerStore.DisposeAsync().ConfigureAwait(false);
        }
    }
}
