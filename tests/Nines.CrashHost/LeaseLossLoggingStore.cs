using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CrashHost;

/// <summary>
/// Passes every call to the real store and logs <c>REJECTED &lt;runId&gt; epoch &lt;e&gt; …</c> when a fenced write
/// fails with <see cref="WorkflowLeaseLostException"/>.
/// </summary>
/// <remarks>The engine's executor swallows lease loss (the run is another worker's now), so the store boundary is where a test can see it.</remarks>
internal sealed class LeaseLossLoggingStore(IWorkflowStore inner, ExecutionLog log) : IWorkflowStore
{
    public string Description => inner.Description;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task<(WorkflowRun Run, bool Created)> CreateRunAsync(NewWorkflowRun run, CancellationToken cancellationToken = default) => inner.CreateRunAsync(run, cancellationToken);

    public Task<WorkflowRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<WorkflowRun>> ListRunsAsync(WorkflowRunQuery query, CancellationToken cancellationToken = default) => inner.ListRunsAsync(query, cancellationToken);

    public Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetStepsAsync(runId, cancellationToken);

    public Task<IReadOnlyList<WorkflowSignal>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetSignalsAsync(runId, cancellationToken);

    public Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default) => inner.ClaimRunsAsync(request, cancellationToken);

    public Task<LeaseRenewal> RenewLeaseAsync(WorkflowLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => inner.RenewLeaseAsync(lease, expiresAt, cancellationToken);

    public Task ReleaseLeaseAsync(WorkflowLease lease, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(lease, now, cancellationToken);

    public Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default) =>
        LogRejectionAsync(inner.SaveStepsAsync(lease, steps, cancellationToken), $"save {string.Join(",", steps.Select(s => s.Name))}");

    public async Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.TryConsumeSignalAsync(lease, signalName, step, cancellationToken);
        }
        catch (WorkflowLeaseLostException ex)
        {
            Log(ex, "consume-signal");
            throw;
        }
    }

    public Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default) =>
        LogRejectionAsync(inner.SuspendRunAsync(lease, suspension, cancellationToken), "suspend");

    public Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default) =>
        LogRejectionAsync(inner.CompleteRunAsync(lease, completion, cancellationToken), "complete");

    public Task<WorkflowSignal> SendSignalAsync(string runId, string name, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.SendSignalAsync(runId, name, payloadJson, now, cancellationToken);

    public Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.RequestCancelAsync(runId, now, cancellationToken);

    public Task<DateTimeOffset?> GetNextWakeAsync(IReadOnlyCollection<WorkflowVersionKey> registrations, CancellationToken cancellationToken = default) => inner.GetNextWakeAsync(registrations, cancellationToken);

    public Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) => inner.WaitForWorkAsync(maxWait, cancellationToken);

    public Task RegisterWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken = default) => inner.RegisterWorkerAsync(worker, cancellationToken);

    public Task<int> UpdateBlockedRunsAsync(DateTimeOffset now, DateTimeOffset liveSince, CancellationToken cancellationToken = default) => inner.UpdateBlockedRunsAsync(now, liveSince, cancellationToken);

    public Task<WorkflowPruneResult> PruneAsync(DateTimeOffset finishedBefore, Func<ArchivedWorkflowRun, CancellationToken, Task>? archive = null, CancellationToken cancellationToken = default) => inner.PruneAsync(finishedBefore, archive, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task LogRejectionAsync(Task write, string operation)
    {
        try
        {
            await write;
        }
        catch (WorkflowLeaseLostException ex)
        {
            Log(ex, operation);
            throw;
        }
    }

    private void Log(WorkflowLeaseLostException ex, string operation) =>
        log.Append($"REJECTED {ex.RunId} epoch {ex.Epoch} {ExecutionLog.Pid} {operation} current {ex.CurrentEpoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
}
