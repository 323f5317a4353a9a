namespace Nines.Tools;

/// <summary>An approver's answer to a <see cref="ToolApprovalRequest"/>.</summary>
/// <param name="Approved">Whether the call may run.</param>
/// <param name="Reason">Why, for the audit record (and, on rejection, for the model).</param>
/// <param name="Approver">Who decided, for the audit record.</param>
public sealed record ToolApprovalDecision(bool Approved, string? Reason = null, string? Approver = null);
