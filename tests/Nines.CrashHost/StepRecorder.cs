using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CrashHost;

/// <summary>
/// Called first in every step body: logs that the body began, and logs a <c>VIOLATION</c> when the store already
/// holds that step of that run as completed — the engine executed a journaled step again, which must never happen.
/// </summary>
internal sealed class StepRecorder(IWorkflowStore store, ExecutionLog log)
{
    public async Task BeginAsync(string runId, string step, CancellationToken cancellationToken)
    {
        var journal = await store.GetStepsAsync(runId, cancellationToken);
        var completed = journal.FirstOrDefault(s => s.Name == step && s.Item < 0 && s.Status == StepStatus.Completed);
        log.Executed(runId, step);
        if (completed is not null)
        {
            log.Append($"VIOLATION {runId} {step} {ExecutionLog.Pid} already completed at position {completed.Position} ({completed.CompletedAt:O}) with {completed.OutputJson}");
        }
    }
}
