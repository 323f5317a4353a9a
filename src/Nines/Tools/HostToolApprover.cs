namespace Nines.Tools;

/// <summary>
/// Sends the guard's approval requests to the host through Microsoft.Extensions.AI's approval protocol: the
/// <see cref="Agents.AgentRunner"/> stops with <see cref="Agents.AgentStopReason.ApprovalRequired"/> and a
/// <see cref="Microsoft.Extensions.AI.ToolApprovalRequestContent"/> for the call, and runs it when the host answers.
/// </summary>
/// <remarks>
/// <para>
/// Set <see cref="ToolPolicyOptions.Approver"/> to <see cref="Instance"/>. Before the runner stops, the call has passed the
/// policy verdict, its JSON schema, its rules and the Rule of Two, so the host is never asked about a call the guard would
/// refuse anyway; the request's <c>AdditionalProperties[<see cref="ReasonKey"/>]</c> says why approval is needed. When the
/// host answers, the call is checked again (the rate limit takes its permit then) and runs with the host's decision.
/// </para>
/// <para>
/// A call that reaches this approver any other way (a loop that does not speak the protocol, or a call whose need for
/// approval arose only after the runner asked — for example taint from an earlier call in the same reply) is rejected,
/// and the model is told why.
/// </para>
/// </remarks>
public sealed class HostToolApprover : IToolApprover
{
    private HostToolApprover()
    {
    }

    /// <summary>The key in a <see cref="Microsoft.Extensions.AI.ToolApprovalRequestContent"/>'s <c>AdditionalProperties</c> that holds the guard's reason.</summary>
    public const string ReasonKey = "nines.approval_reason";

    /// <summary>Gets the approver.</summary>
    public static HostToolApprover Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<ToolApprovalDecision> ApproveAsync(ToolApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(new ToolApprovalDecision(
            false,
            "the host was not asked: this call needs approval, and only the Nines AgentRunner asks the host (ToolApprovalRequestContent) before a call runs",
            nameof(HostToolApprover)));
    }
}
