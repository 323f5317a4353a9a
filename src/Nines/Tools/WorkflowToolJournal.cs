using System.Globalization;
using Nines.Workflows;

namespace Nines.Tools;

/// <summary>Journals a tool session's decisions, approvals and tool results as steps of a workflow run.</summary>
internal sealed class WorkflowToolJournal(WorkflowContext context, TimeSpan? approvalTimeout) : IToolSessionJournal
{
    private int _generatedCallIds;

    // Workflow code runs tool calls one at a time, so the sequence is the same on every replay.
    public string NextCallId(string toolName) =>
        string.Create(CultureInfo.InvariantCulture, $"{toolName}-{Interlocked.Increment(ref _generatedCallIds)}");

    public Task<T> StepAsync<T>(string name, Func<CancellationToken, Task<T>> body) => context.StepAsync(name, body);

    public async Task<ToolApprovalDecision> WaitForApprovalAsync(string callId)
    {
        try
        {
            return await context.WaitForSignalAsync<ToolApprovalDecision>(ToolApprovals.SignalName(callId), approvalTimeout).ConfigureAwait(false);
        }
        catch (WorkflowSignalTimeoutException ex)
        {
            // Journaled, so a replay reaches the same rejection.
            return new ToolApprovalDecision(
                false,
                string.Create(CultureInfo.InvariantCulture, $"no decision arrived by {ex.Deadline:u}, the approval timeout"),
                "timeout");
        }
    }

    public string DescribeApproval(string callId) =>
        $"Run {context.RunId} waits for signal '{ToolApprovals.SignalName(callId)}' with a decision " +
        "{\"approved\": true|false, \"reason\": \"…\", \"approver\": \"…\"} (WorkflowClient.ApproveToolCallAsync, or nines runs signal)" +
        (approvalTimeout is { } timeout ? string.Create(CultureInfo.InvariantCulture, $"; without one within {timeout} it is rejected.") : ".");
}
