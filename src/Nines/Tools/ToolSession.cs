using Microsoft.Extensions.AI;

namespace Nines.Tools;

/// <summary>One agent run's view of its tools: the taint it has picked up and the capabilities it has used.</summary>
/// <remarks>
/// <para>
/// The session holds [A] once an <see cref="ToolCapabilities.UntrustedInput"/> tool has run, even if it threw (its output is
/// in the model's context from then on), and holds [B] or [C] once a tool with that capability has run. A call to an
/// <see cref="ToolCapabilities.ExternalEffect"/> tool that would leave the session holding all three is blocked or sent
/// for approval (<see cref="ToolPolicyOptions.RuleOfTwo"/>). Taint never decays within a session: start a new session
/// (and a new conversation) to drop it.
/// </para>
/// <para>Thread-safe: parallel tool calls in one turn update the state under a lock.</para>
/// </remarks>
public sealed class ToolSession
{
    private readonly Lock _gate = new();
    private readonly List<ToolTaint> _taints = [];
    private ToolCapabilities _capabilities;

    internal ToolSession(ToolGuard guard, string id, string? principal, IToolSessionJournal? journal = null, IToolAuditSink? auditSink = null)
    {
        Guard = guard;
        Id = id;
        Principal = principal;
        Journal = journal;
        AuditSink = auditSink;
    }

    /// <summary>Gets the session's id.</summary>
    public string Id { get; }

    /// <summary>Gets who the session acts for.</summary>
    public string? Principal { get; }

    /// <summary>Gets the capabilities the session holds so far.</summary>
    public ToolCapabilities Capabilities
    {
        get
        {
            lock (_gate)
            {
                return _capabilities;
            }
        }
    }

    /// <summary>Gets whether untrusted content has entered the session.</summary>
    public bool IsTainted => (Capabilities & ToolCapabilities.UntrustedInput) != 0;

    /// <summary>Gets the tool calls that tainted the session, in order.</summary>
    public IReadOnlyList<ToolTaint> Taints
    {
        get
        {
            lock (_gate)
            {
                return [.. _taints];
            }
        }
    }

    internal ToolGuard Guard { get; }

    /// <summary>Gets the journal of the workflow run the session belongs to, or <see langword="null"/> outside a workflow.</summary>
    internal IToolSessionJournal? Journal { get; }

    /// <summary>Gets the sink that receives this session's audit records, besides the guard's.</summary>
    internal IToolAuditSink? AuditSink { get; }

    /// <summary>Wraps a tool so every call goes through this session's policy and taint checks.</summary>
    /// <param name="function">The tool.</param>
    /// <returns>The guarded tool, with the same name, description and JSON schema.</returns>
    public AIFunction Protect(AIFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new GuardedAIFunction(function, this);
    }

    /// <summary>Wraps tools so every call goes through this session's policy and taint checks.</summary>
    /// <param name="functions">The tools.</param>
    /// <returns>The guarded tools, ready for <see cref="ChatOptions.Tools"/>.</returns>
    public IList<AITool> Protect(IEnumerable<AIFunction> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        return [.. functions.Select(f => (AITool)Protect(f))];
    }

    /// <summary>Marks the session as tainted by content that did not come through a guarded tool (for example a user upload).</summary>
    /// <param name="source">Where the content came from, for the audit trail.</param>
    public void MarkTainted(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        AddTaint(source, callId: null);
    }

    /// <summary>Returns why the call would break the Rule of Two, or <see langword="null"/> when it would not.</summary>
    internal string? CheckRuleOfTwo(string toolName, ToolCapabilities tool)
    {
        if ((tool & ToolCapabilities.ExternalEffect) == 0)
        {
            return null;
        }

        ToolCapabilities held;
        ToolTaint? firstTaint;
        lock (_gate)
        {
            held = _capabilities;
            firstTaint = _taints.Count > 0 ? _taints[0] : null;
        }

        var combined = held | tool;
        const ToolCapabilities all = ToolCapabilities.UntrustedInput | ToolCapabilities.SensitiveData | ToolCapabilities.ExternalEffect;
        if ((combined & all) != all)
        {
            return null;
        }

        var taintedBy = firstTaint is { } t
            ? $"untrusted content from '{t.ToolName}'" + (t.CallId is null ? string.Empty : $" (call {t.CallId})")
            : $"'{toolName}' itself reads untrusted input";
        var sensitive = (held & ToolCapabilities.SensitiveData) != 0 ? "sensitive data was accessed earlier in the session" : $"'{toolName}' itself touches sensitive data";
        return $"Rule of Two: '{toolName}' changes state or communicates externally, but the session holds {taintedBy} and {sensitive}; " +
            "an injected instruction could use this call to leak or change data. Start a new session, or get approval.";
    }

    internal void RecordCall(string toolName, string? callId, ToolCapabilities tool)
    {
        lock (_gate)
        {
            _capabilities |= tool & (ToolCapabilities.SensitiveData | ToolCapabilities.ExternalEffect);
        }

        if ((tool & ToolCapabilities.UntrustedInput) != 0)
        {
            AddTaint(toolName, callId);
        }
    }

    private void AddTaint(string source, string? callId)
    {
        var taint = new ToolTaint(source, callId, Guard.TimeProvider.GetUtcNow());
        lock (_gate)
        {
            _capabilities |= ToolCapabilities.UntrustedInput;
            _taints.Add(taint);
        }
    }
}
