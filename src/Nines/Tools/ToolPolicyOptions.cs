namespace Nines.Tools;

/// <summary>Options for a <see cref="ToolGuard"/>: the policy per tool and how decisions are approved and audited.</summary>
public sealed class ToolPolicyOptions
{
    /// <summary>Gets the policies by tool name (ordinal).</summary>
    public IDictionary<string, ToolPolicy> Tools { get; } = new Dictionary<string, ToolPolicy>(StringComparer.Ordinal);

    /// <summary>Gets or sets the policy for tools not in <see cref="Tools"/>.</summary>
    /// <value>The default value is <see langword="null"/>: calls to unlisted tools are refused, so a new tool needs a deliberate policy.</value>
    public ToolPolicy? DefaultPolicy { get; set; }

    /// <summary>Gets or sets what happens to an [C] call in a session that would then hold [A], [B] and [C].</summary>
    /// <value>The default value is <see cref="RuleOfTwoAction.Block"/>.</value>
    public RuleOfTwoAction RuleOfTwo { get; set; } = RuleOfTwoAction.Block;

    /// <summary>Gets or sets the approver for calls that need approval.</summary>
    /// <value>The default value is <see langword="null"/>: calls that need approval are refused.</value>
    public IToolApprover? Approver { get; set; }

    /// <summary>Gets or sets the sink that receives an audit record for every decision.</summary>
    /// <value>The default value is <see langword="null"/>: decisions are traced but not stored.</value>
    public IToolAuditSink? AuditSink { get; set; }

    /// <summary>Gets or sets whether arguments are validated against the tool's JSON schema.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ValidateArguments { get; set; } = true;

    /// <summary>Gets or sets the clock for audit timestamps and rate limits.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
