namespace Nines.Tools;

/// <summary>Decides whether a tool call that needs approval may run.</summary>
/// <remarks>
/// Called only after the arguments passed the tool's JSON schema, its rules and its rate limit, so a human is never
/// asked about a call that would be refused anyway. The call waits for the answer in process. In a workflow tool session
/// (<see cref="ToolApprovals.StartToolSession"/>) the approver is not asked: the approval is a durable signal that
/// survives a restart — see docs/security.md.
/// </remarks>
public interface IToolApprover
{
    /// <summary>Asks for a decision.</summary>
    /// <param name="request">The call.</param>
    /// <param name="cancellationToken">A token to cancel the wait.</param>
    /// <returns>The decision.</returns>
    ValueTask<ToolApprovalDecision> ApproveAsync(ToolApprovalRequest request, CancellationToken cancellationToken);
}
