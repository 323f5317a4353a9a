namespace Nines.Tools;

/// <summary>The kind of decision an audit record describes.</summary>
public enum ToolDecisionKind
{
    /// <summary>The call ran.</summary>
    Allowed,

    /// <summary>The call was refused by policy, schema, a rule, the rate limit or the Rule of Two; the tool did not run.</summary>
    Denied,

    /// <summary>The call was sent to the approver.</summary>
    ApprovalRequested,

    /// <summary>The approver approved the call.</summary>
    Approved,

    /// <summary>The approver rejected the call; the tool did not run.</summary>
    Rejected,

    /// <summary>The call's output tainted the session with untrusted content.</summary>
    Tainted,
}
