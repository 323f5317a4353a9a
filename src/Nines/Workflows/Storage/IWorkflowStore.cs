namespace Nines.Workflows.Storage;

/// <summary>
/// Durable storage for workflow runs, their journals and signals. The engine passes every time it needs
/// (stores never read a clock), and every write that belongs to a run's execution is fenced by a
/// <see cref="WorkflowLease"/>: it fails with <see cref="WorkflowLeaseLostException"/> once another claim
/// has raised the run's epoch.
/// </summary>
/// <remarks>
/// Implementations are thread-safe: one instance serves a whole process (workers, clients, CLI).
/// Every implementation passes the shared conformance suite in <c>tests/Nines.Tests/Workflows/Storage</c>.
/// </remarks>
public interface IWorkflowStore : IAsyncDisposable
{
    /// <summary>Where the store keeps its data, for messages: <c>sqlite:/path/nines.db</c>.</summary>
    string Description { get; }

    /// <summary>Creates the schema or migrates it to the current version; refuses a foreign, corrupt or newer database without changing it.</summary>
    /// <exception cref="WorkflowStoreException">The database is not a Nines store this version can use.</exception>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a run, or returns the existing run with the same id (<c>Created</c> false) so starts are idempotent.</summary>
    Task<(WorkflowRun Run, bool Created)> CreateRunAsync(NewWorkflowRun run, CancellationToken cancellationToken = default);

    /// <summary>Reads one run, or null.</summary>
    Task<WorkflowRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Lists runs, newest first.</summary>
    Task<IReadOnlyList<WorkflowRun>> ListRunsAsync(WorkflowRunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Reads a run's journal ordered by position, then item.</summary>
    Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Reads a run's signals in the order sent.</summary>
    Task<IReadOnlyList<WorkflowSignal>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims runnable runs of the registered versions: pending runs, suspended runs whose wake time has come,
    /// and running runs whose lease expired (a takeover). Each claim raises the epoch by one, sets the owner and
    /// the lease expiry, and sets the status to running. Two workers never claim the same run at once.
    /// </summary>
    Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease to <paramref name="expiresAt"/> if it is still held; says whether it is and whether cancellation was requested.</summary>
    Task<LeaseRenewal> RenewLeaseAsync(WorkflowLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Gives a run back (status pending, no owner) so any worker can claim it at once; does nothing if the lease was already lost.</summary>
    Task ReleaseLeaseAsync(WorkflowLease lease, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces journal entries (keyed by run, position, item) in one transaction, fenced by the lease.</summary>
    /// <exception cref="WorkflowLeaseLostException">The run's epoch is no longer the lease's; nothing was written.</exception>
    Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically takes the oldest pending signal named <paramref name="signalName"/> for the lease's run, marks it
    /// consumed at <paramref name="step"/>'s position and saves <paramref name="step"/> as completed with the
    /// signal's payload as its output. Returns null, writing nothing, when no such signal is pending.
    /// </summary>
    /// <exception cref="WorkflowLeaseLostException">The lease was lost; nothing was written.</exception>
    Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default);

    /// <summary>
    /// Suspends the lease's run (status suspended, no owner). If what it waits for already happened (a pending
    /// signal of that name, a finished child) or cancellation was requested, the wake time is set to now so the
    /// run is claimable at once and no wake-up is lost.
    /// </summary>
    /// <exception cref="WorkflowLeaseLostException">The lease was lost; nothing was written.</exception>
    Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default);

    /// <summary>Finishes the lease's run; wakes its parent if the parent is suspended.</summary>
    /// <exception cref="WorkflowLeaseLostException">The lease was lost; nothing was written.</exception>
    Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>Records a signal for a run and wakes the run if it is suspended.</summary>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    /// <exception cref="WorkflowRunStateException">The run has already finished.</exception>
    Task<WorkflowSignal> SendSignalAsync(string runId, string name, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks for a run to be cancelled. A pending, suspended or blocked run is woken so a worker cancels it; a
    /// blocked run no worker can execute is cancelled at once. Returns false when the run had already finished.
    /// </summary>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The earliest future time at which a run of the registered versions becomes claimable (a timer, a lease expiry), or null.</summary>
    Task<DateTimeOffset?> GetNextWakeAsync(IReadOnlyCollection<WorkflowVersionKey> registrations, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when work may be available (a run created, signalled, cancelled, released or woken, by this
    /// process or, where the store supports it, by another) or after <paramref name="maxWait"/>.
    /// </summary>
    Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>Records a worker's heartbeat and registrations (used to tell blocked runs from merely waiting ones).</summary>
    Task RegisterWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks unfinished, unleased runs whose workflow version no worker seen since <paramref name="liveSince"/>
    /// has registered as blocked (with a reason naming the version to register), and unblocks blocked runs whose
    /// version is registered again. Returns how many runs changed.
    /// </summary>
    Task<int> UpdateBlockedRunsAsync(DateTimeOffset now, DateTimeOffset liveSince, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes completed, failed and cancelled runs that finished before <paramref name="finishedBefore"/>, with their
    /// journals and signals, never a run that is unfinished or whose parent is unfinished. When
    /// <paramref name="archive"/> is given each run is handed to it first, and a run whose archive call throws is kept.
    /// </summary>
    Task<WorkflowPruneResult> PruneAsync(DateTimeOffset finishedBefore, Func<ArchivedWorkflowRun, CancellationToken, Task>? archive = null, CancellationToken cancellationToken = default);
}
