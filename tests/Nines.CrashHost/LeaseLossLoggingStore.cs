using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CrashHost;

/// <summary>
/// Passes every call to the real store and logs <c>REJECTED &lt;runId&gt; epoch &lt;e&gt; …</c> when a fenced write
/// fails with <see cref="WorkflowLeaseLostException"/>.
/// </summary>
/// <remarks>The engine's executor swallows lease loss (the run is another worker's now), so the store boundary is where a test can see it.</remarks>
internal sealed class LeaseLossLoggingStore(IWorkflowStore inner, ExecutionLog log) : DelegatingWorkflowStore(inner)
{
    public override Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default) =>
        LogRejectionAsync(InnerStore.SaveStepsAsync(lease, steps, cancellationToken), $"save {string.Join(",", steps.Select(s => s.Name))}");

    public override async Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default)
    {
        try
        {
            return await InnerStore.TryConsumeSignalAsync(lease, signalName, step, cancellationToken);
        }
        catch (WorkflowLeaseLostException ex)
        {
            Log(ex, "consume-signal");
            throw;
        }
    }

    public override Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default) =>
        LogRejectionAsync(InnerStore.SuspendRunAsync(lease, suspension, cancellationToken), "suspend");

    public override Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default) =>
        LogRejectionAsync(InnerStore.CompleteRunAsync(lease, completion, cancellationToken), "complete");

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
