using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Contracts;

namespace Nines.Tools;

/// <summary>
/// A tool wrapped in its policy. Order of checks: policy verdict, JSON schema, argument rules, Rule of Two, rate limit,
/// approval; then the tool runs and the session's taint is updated. Any refusal returns a <see cref="ToolRefusal"/>.
/// In a workflow session (<see cref="ToolSession.Journal"/>) the checks' outcome, the approval (a durable signal), the
/// tool's result and each taint are journaled steps of the run.
/// </summary>
internal sealed class GuardedAIFunction : DelegatingAIFunction
{
    private readonly ToolSession _session;

    public GuardedAIFunction(AIFunction innerFunction, ToolSession session)
        : base(innerFunction)
    {
        _session = session;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? base.GetService(serviceType, serviceKey)
        : serviceType == typeof(ToolSession) ? _session
        : serviceType == typeof(GuardedAIFunction) ? this
        : base.GetService(serviceType, serviceKey);

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var scope = ToolCallScope.From(arguments);
        var journal = _session.Journal;
        var callId = FunctionInvokingChatClient.CurrentContext?.CallContent.CallId ?? scope?.CallId ?? journal?.NextCallId(Name);
        var argumentsJson = SerialiseArguments(arguments);
        using var activity = ToolsTelemetry.StartCall(_session, Name, callId);

        // 1. The automatic checks. In a workflow the outcome is journaled, so a replay neither takes a second
        //    rate-limit permit nor writes the audit record again.
        var check = journal is null
            ? await CheckAsync(activity, arguments, callId, argumentsJson, cancellationToken).ConfigureAwait(false)
            : await journal.StepAsync($"tools.check:{Name}", token => CheckAsync(activity, arguments, callId, argumentsJson, token).AsTask()).ConfigureAwait(false);
        if (check.Decision == ToolDecisionKind.Denied)
        {
            return new ToolRefusal(Name, true, check.Reason);
        }

        // 2. Approval: in process through the IToolApprover, or in a workflow as a durable signal.
        if (check.Decision == ToolDecisionKind.ApprovalRequested)
        {
            var decision = journal is not null
                ? await journal.WaitForApprovalAsync(callId!).ConfigureAwait(false)
                : scope?.HostDecision ?? await _session.Guard.Approver!.ApproveAsync(Request(arguments, callId, argumentsJson!, check.Reason), cancellationToken).ConfigureAwait(false);
            var outcome = journal is null
                ? await RecordApprovalAsync(activity, callId, argumentsJson!, decision, cancellationToken).ConfigureAwait(false)
                : await journal.StepAsync($"tools.approval:{Name}", token => RecordApprovalAsync(activity, callId, argumentsJson!, decision, token).AsTask()).ConfigureAwait(false);
            if (outcome.Decision == ToolDecisionKind.Rejected)
            {
                return new ToolRefusal(Name, true, outcome.Reason);
            }
        }

        // 3. The tool runs (through the loop's timeout and retries when a loop passed a scope; journaled in a workflow).
        var policy = _session.Guard.FindPolicy(Name)!;
        var wasTainted = _session.IsTainted;
        try
        {
            ValueTask<object?> Invoke(CancellationToken token) => base.InvokeCoreAsync(arguments, token);
            ValueTask<object?> Execute(CancellationToken token) => scope is null ? Invoke(token) : scope.ExecuteAsync(Invoke, token);
            if (journal is null)
            {
                return await Execute(cancellationToken).ConfigureAwait(false);
            }

            // A tool that failed every attempt is journaled as an outcome, not a failed step, so a replay gives the model
            // the same error (kind and message) as the first run.
            var outcome = await journal.StepAsync($"tool:{Name}", async token =>
            {
                try
                {
                    return new JournaledToolOutcome(ToJson(await Execute(token).ConfigureAwait(false)), null, null, 0);
                }
                catch (ToolExecutionFailedException failed)
                {
                    return new JournaledToolOutcome(null, failed.Kind, failed.Message, failed.Attempts);
                }
            }).ConfigureAwait(false);
            return outcome.FailureKind is { } kind
                ? throw new ToolExecutionFailedException(kind, outcome.FailureMessage ?? kind, outcome.Attempts, null)
                : outcome.Result;
        }
        finally
        {
            // Recorded even when the tool throws: a failed write may have half-happened, and an error message can
            // carry untrusted text back to the model.
            _session.RecordCall(Name, callId, policy.Capabilities);
            if ((policy.Capabilities & ToolCapabilities.UntrustedInput) != 0)
            {
                var note = wasTainted ? "More untrusted content entered the session." : "The session is now tainted by untrusted content.";
                var reason = $"'{Name}' reads untrusted input. {note}";
                if (journal is null)
                {
                    await AuditAsync(activity, callId, argumentsJson ?? "{}", ToolDecisionKind.Tainted, reason, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await journal.StepAsync($"tools.taint:{Name}", token => AuditAsync(activity, callId, argumentsJson ?? "{}", ToolDecisionKind.Tainted, reason, token).AsTask()).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Checks 1–5 (policy, schema, rules, Rule of Two, rate limit) and whether approval is needed; audits the outcome.</summary>
    private async ValueTask<ToolAuditRecord> CheckAsync(
        Activity? activity, AIFunctionArguments arguments, string? callId, string? argumentsJson, CancellationToken cancellationToken)
    {
        var (decision, reason) = Evaluate(arguments, argumentsJson, takePermit: true);
        if (decision == ToolDecisionKind.ApprovalRequested && _session.Journal is { } journal)
        {
            reason += " " + journal.DescribeApproval(callId!);
        }
        else if (decision == ToolDecisionKind.ApprovalRequested && _session.Guard.Approver is null)
        {
            (decision, reason) = (ToolDecisionKind.Denied, reason + " No approver is configured, so the call is refused.");
        }

        return await AuditAsync(activity, callId, argumentsJson ?? "{}", decision, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why the call would need the host's approval (<see cref="HostToolApprover"/>), or <see langword="null"/> when it
    /// would not: refused by an automatic check, allowed outright, or approved some other way. Takes no rate-limit permit
    /// and writes no audit record; the call itself is checked again when it runs.
    /// </summary>
    internal string? NeedsHostApproval(AIFunctionArguments arguments)
    {
        if (_session.Journal is not null || _session.Guard.Approver is not HostToolApprover)
        {
            return null;
        }

        var (decision, reason) = Evaluate(arguments, SerialiseArguments(arguments), takePermit: false);
        return decision == ToolDecisionKind.ApprovalRequested ? reason : null;
    }

    /// <summary>Checks 1–5 without side effects beyond the rate-limit permit (when <paramref name="takePermit"/>).</summary>
    private (ToolDecisionKind Decision, string Reason) Evaluate(AIFunctionArguments arguments, string? argumentsJson, bool takePermit)
    {
        var guard = _session.Guard;
        if (argumentsJson is null)
        {
            return (ToolDecisionKind.Denied, $"The arguments for '{Name}' cannot be written as JSON, so they cannot be checked; send plain JSON values.");
        }

        var policy = guard.FindPolicy(Name);
        if (policy is null)
        {
            return (ToolDecisionKind.Denied, $"No policy is configured for tool '{Name}', and unlisted tools are refused; add it to ToolPolicyOptions.Tools.");
        }

        if (policy.Verdict == ToolVerdict.Deny)
        {
            return (ToolDecisionKind.Denied, $"Tool '{Name}' is not allowed by policy.");
        }

        if (guard.ValidateArguments && ValidateSchema(argumentsJson) is { } schemaError)
        {
            return (ToolDecisionKind.Denied, schemaError);
        }

        var broken = policy.Rules
            .Where(rule => arguments.TryGetValue(rule.Argument, out var value) && !rule.IsSatisfiedBy(value, JsonSerializerOptions))
            .Select(rule => rule.Message)
            .ToList();
        if (broken.Count > 0)
        {
            return (ToolDecisionKind.Denied, $"The arguments break the policy of '{Name}': {string.Join("; ", broken)}.");
        }

        var approvalReason = policy.Verdict == ToolVerdict.RequireApproval ? $"Tool '{Name}' requires approval by policy." : null;
        if (_session.CheckRuleOfTwo(Name, policy.Capabilities) is { } ruleOfTwo)
        {
            if (guard.RuleOfTwo == RuleOfTwoAction.Block)
            {
                return (ToolDecisionKind.Denied, ruleOfTwo);
            }

            approvalReason = approvalReason is null ? ruleOfTwo : approvalReason + " " + ruleOfTwo;
        }

        // The rate limit is taken last among the automatic checks so refused calls do not spend permits,
        // but before approval so a human is not asked about a call that cannot run.
        if (takePermit && policy.RateLimit is { } limit && guard.TryAcquire(Name, limit) is { } retryAfter)
        {
            return (ToolDecisionKind.Denied, $"Tool '{Name}' is rate limited to {limit.PermitLimit} calls per {limit.Window}; try again in {retryAfter}.");
        }

        return approvalReason is null
            ? (ToolDecisionKind.Allowed, "Passed policy checks.")
            : (ToolDecisionKind.ApprovalRequested, approvalReason);
    }

    /// <summary>Audits an approver's decision; an approval is followed by the Allowed record.</summary>
    private async ValueTask<ToolAuditRecord> RecordApprovalAsync(
        Activity? activity, string? callId, string argumentsJson, ToolApprovalDecision decision, CancellationToken cancellationToken)
    {
        var who = decision.Approver is null ? string.Empty : $" by {decision.Approver}";
        if (!decision.Approved)
        {
            var why = $"The call to '{Name}' was rejected{who}" + (decision.Reason is null ? "." : $": {decision.Reason}");
            return await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Rejected, why, cancellationToken).ConfigureAwait(false);
        }

        var approved = await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Approved,
            $"Approved{who}" + (decision.Reason is null ? "." : $": {decision.Reason}"), cancellationToken).ConfigureAwait(false);
        await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Allowed, "Passed policy checks and was approved.", cancellationToken).ConfigureAwait(false);
        return approved;
    }

    private ToolApprovalRequest Request(AIFunctionArguments arguments, string? callId, string argumentsJson, string reason) =>
        new(_session, Name, callId, new Dictionary<string, object?>(arguments, StringComparer.Ordinal), argumentsJson, reason);

    private JsonElement ToJson(object? result) => result switch
    {
        JsonElement element => element,
        null => JsonSerializer.SerializeToElement<object?>(null, JsonSerializerOptions),
        _ => JsonSerializer.SerializeToElement(result, JsonSerializerOptions.GetTypeInfo(result.GetType())),
    };

    private async ValueTask<ToolAuditRecord> AuditAsync(
        Activity? activity, string? callId, string argumentsJson, ToolDecisionKind decision, string reason, CancellationToken cancellationToken)
    {
        var guard = _session.Guard;
        var record = new ToolAuditRecord(
            guard.TimeProvider.GetUtcNow(), _session.Id, _session.Principal, Name, callId, argumentsJson, decision, reason, _session.Capabilities);
        ToolsTelemetry.RecordDecision(activity, record);
        if (guard.AuditSink is { } sink)
        {
            await sink.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        }

        if (_session.AuditSink is { } sessionSink)
        {
            await sessionSink.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        }

        return record;
    }

    private string? SerialiseArguments(AIFunctionArguments arguments)
    {
        var copy = new Dictionary<string, object?>(arguments, StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Serialize(copy, JsonSerializerOptions.GetTypeInfo(typeof(Dictionary<string, object?>)));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            // Arguments that cannot be written as JSON cannot be validated either, so the call is refused.
            return null;
        }
    }

    private string? ValidateSchema(string argumentsJson)
    {
        if (JsonSchema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        using var document = JsonDocument.Parse(argumentsJson);
        var errors = new List<string>();
        ReplyInspector.Validate(ReplyInspector.GetCompiledSchema(JsonSchema), document.RootElement, errors);
        return errors.Count == 0
            ? null
            : $"The arguments for '{Name}' do not match its JSON schema: {string.Join("; ", errors)}. Fix the arguments and call again.";
    }
}

/// <summary>What a journaled tool step holds: the tool's result, or why every attempt failed.</summary>
internal sealed record JournaledToolOutcome(JsonElement? Result, string? FailureKind, string? FailureMessage, int Attempts);
