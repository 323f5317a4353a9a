using Nines.Workflows;

namespace Nines.Tools;

/// <summary>Tool sessions inside durable workflow runs, and the client side of their approvals and audit trail.</summary>
/// <remarks>See docs/security.md, "Inside a durable workflow".</remarks>
public static class ToolApprovals
{
    /// <summary>The prefix of the step names a workflow tool session journals (<c>tools.check:</c>, <c>tools.approval:</c>, <c>tools.taint:</c>).</summary>
    public const string AuditStepPrefix = "tools.";

    /// <summary>The prefix of the step name that journals a tool's result (<c>tool:&lt;name&gt;</c>).</summary>
    public const string ToolStepPrefix = "tool:";

    /// <summary>Gets the signal name that carries the decision for one tool call.</summary>
    /// <param name="callId">The model's call id (or the generated one, shown in the <c>ApprovalRequested</c> audit record).</param>
    /// <returns><c>approval:&lt;callId&gt;</c>.</returns>
    public static string SignalName(string callId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        return "approval:" + callId;
    }

    /// <summary>
    /// Starts a tool session whose decisions are journaled in this workflow run: every check's outcome, every approval,
    /// every taint and every tool result is a step, and an approval is a durable signal, so the run can wait days for a
    /// human and resume after a restart without running a tool twice.
    /// </summary>
    /// <param name="context">The workflow run.</param>
    /// <param name="guard">The guard whose policies apply.</param>
    /// <param name="principal">Who the session acts for.</param>
    /// <param name="approvalTimeout">How long an approval may take before the call is rejected; <see langword="null"/> waits forever.</param>
    /// <param name="auditSink">A sink for this session's audit records, besides the guard's; records are written once, not again on replay.</param>
    /// <returns>The session. Protect tools with it and run them from workflow code (not from inside a step), one call at a time.</returns>
    /// <remarks>
    /// Approvals in a workflow session are always signals; the guard's <see cref="IToolApprover"/> is not asked. Pair the
    /// session with <see cref="WorkflowChatClient"/> (<c>context.JournalModelCalls(client)</c>) so model calls are journaled too.
    /// </remarks>
    public static ToolSession StartToolSession(
        this WorkflowContext context, ToolGuard guard, string? principal = null, TimeSpan? approvalTimeout = null, IToolAuditSink? auditSink = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(guard);
        if (approvalTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(approvalTimeout));
        }

        // The id comes from the run's journaled GUID source, so a replay rebuilds the same session.
        var id = $"{context.RunId}/{context.NewGuid():n}";
        return new ToolSession(guard, id, principal, new WorkflowToolJournal(context, approvalTimeout), auditSink);
    }

    /// <summary>Approves a tool call a workflow run is waiting on.</summary>
    /// <param name="client">The workflow client.</param>
    /// <param name="runId">The run.</param>
    /// <param name="callId">The call id from the <c>ApprovalRequested</c> record (or the run's <c>waiting for</c>).</param>
    /// <param name="approver">Who approves, for the audit record.</param>
    /// <param name="reason">Why, for the audit record.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the signal is stored.</returns>
    public static Task ApproveToolCallAsync(this WorkflowClient client, string runId, string callId, string approver, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(approver);
        return client.SignalAsync(runId, SignalName(callId), new ToolApprovalDecision(true, reason, approver), cancellationToken);
    }

    /// <summary>Rejects a tool call a workflow run is waiting on; the model is told the call was rejected and why.</summary>
    /// <param name="client">The workflow client.</param>
    /// <param name="runId">The run.</param>
    /// <param name="callId">The call id from the <c>ApprovalRequested</c> record.</param>
    /// <param name="approver">Who rejects, for the audit record.</param>
    /// <param name="reason">Why; the model sees it.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the signal is stored.</returns>
    public static Task RejectToolCallAsync(this WorkflowClient client, string runId, string callId, string approver, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(approver);
        return client.SignalAsync(runId, SignalName(callId), new ToolApprovalDecision(false, reason, approver), cancellationToken);
    }

    /// <summary>Reads a run's tool audit trail from its journal: checks, approvals, rejections and taint, in order.</summary>
    /// <param name="client">The workflow client.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The records of the run's completed <c>tools.*</c> steps.</returns>
    public static async Task<IReadOnlyList<ToolAuditRecord>> GetToolAuditAsync(this WorkflowClient client, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var steps = await client.GetStepsAsync(runId, cancellationToken).ConfigureAwait(false);
        return
        [
            .. steps
                .Where(s => s.Kind == StepKind.Step && s.Status == StepStatus.Completed && s.OutputJson is not null && s.Name.StartsWith(AuditStepPrefix, StringComparison.Ordinal))
                .OrderBy(s => s.Position)
                .Select(s => client.DeserializeStepOutput<ToolAuditRecord>(s)),
        ];
    }

}
