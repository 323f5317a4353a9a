using Nines.Tools;

namespace Nines.Tests.Tools;

/// <summary>A hand-written approver that answers with <see cref="Approve"/> and keeps every request.</summary>
internal sealed class RecordingApprover : IToolApprover
{
    public bool Approve { get; set; } = true;

    public List<ToolApprovalRequest> Requests { get; } = [];

    public ValueTask<ToolApprovalDecision> ApproveAsync(ToolApprovalRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return ValueTask.FromResult(new ToolApprovalDecision(Approve, Approve ? "looks fine" : "not today", "alice"));
    }
}
