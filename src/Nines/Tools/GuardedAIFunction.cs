using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Contracts;

namespace Nines.Tools;

/// <summary>
/// A tool wrapped in its policy. Order of checks: policy verdict, JSON schema, argument rules, rate limit, Rule of Two,
/// approval; then the tool runs and the session's taint is updated. Any refusal returns a <see cref="ToolRefusal"/>.
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
        serviceKey is null && serviceType == typeof(ToolSession) ? _session : base.GetService(serviceType, serviceKey);

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var guard = _session.Guard;
        var callId = FunctionInvokingChatClient.CurrentContext?.CallContent.CallId;
        var argumentsJson = SerialiseArguments(arguments);
        using var activity = ToolsTelemetry.StartCall(_session, Name, callId);
        if (argumentsJson is null)
        {
            return await RefuseAsync(activity, callId, "{}",
                $"The arguments for '{Name}' cannot be written as JSON, so they cannot be checked; send plain JSON values.", cancellationToken).ConfigureAwait(false);
        }

        var policy = guard.FindPolicy(Name);
        if (policy is null)
        {
            return await RefuseAsync(activity, callId, argumentsJson,
                $"No policy is configured for tool '{Name}', and unlisted tools are refused; add it to ToolPolicyOptions.Tools.", cancellationToken).ConfigureAwait(false);
        }

        if (policy.Verdict == ToolVerdict.Deny)
        {
            return await RefuseAsync(activity, callId, argumentsJson, $"Tool '{Name}' is not allowed by policy.", cancellationToken).ConfigureAwait(false);
        }

        if (guard.ValidateArguments && ValidateSchema(argumentsJson) is { } schemaError)
        {
            return await RefuseAsync(activity, callId, argumentsJson, schemaError, cancellationToken).ConfigureAwait(false);
        }

        var broken = policy.Rules
            .Where(rule => arguments.TryGetValue(rule.Argument, out var value) && !rule.IsSatisfiedBy(value, JsonSerializerOptions))
            .Select(rule => rule.Message)
            .ToList();
        if (broken.Count > 0)
        {
            return await RefuseAsync(activity, callId, argumentsJson,
                $"The arguments break the policy of '{Name}': {string.Join("; ", broken)}.", cancellationToken).ConfigureAwait(false);
        }

        var approvalReason = policy.Verdict == ToolVerdict.RequireApproval ? $"Tool '{Name}' requires approval by policy." : null;
        if (_session.CheckRuleOfTwo(Name, policy.Capabilities) is { } ruleOfTwo)
        {
            if (guard.RuleOfTwo == RuleOfTwoAction.Block)
            {
                return await RefuseAsync(activity, callId, argumentsJson, ruleOfTwo, cancellationToken).ConfigureAwait(false);
            }

            approvalReason = approvalReason is null ? ruleOfTwo : approvalReason + " " + ruleOfTwo;
        }

        // The rate limit is taken last among the automatic checks so refused calls do not spend permits,
        // but before approval so a human is not asked about a call that cannot run.
        if (policy.RateLimit is { } limit && guard.TryAcquire(Name, limit) is { } retryAfter)
        {
            return await RefuseAsync(activity, callId, argumentsJson,
                $"Tool '{Name}' is rate limited to {limit.PermitLimit} calls per {limit.Window}; try again in {retryAfter}.", cancellationToken).ConfigureAwait(false);
        }

        if (approvalReason is not null)
        {
            if (guard.Approver is not { } approver)
            {
                return await RefuseAsync(activity, callId, argumentsJson,
                    approvalReason + " No approver is configured, so the call is refused.", cancellationToken).ConfigureAwait(false);
            }

            await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.ApprovalRequested, approvalReason, cancellationToken).ConfigureAwait(false);
            var request = new ToolApprovalRequest(
                _session, Name, callId, new Dictionary<string, object?>(arguments, StringComparer.Ordinal), argumentsJson, approvalReason);
            var decision = await approver.ApproveAsync(request, cancellationToken).ConfigureAwait(false);
            var who = decision.Approver is null ? string.Empty : $" by {decision.Approver}";
            if (!decision.Approved)
            {
                var why = $"The call to '{Name}' was rejected{who}" + (decision.Reason is null ? "." : $": {decision.Reason}");
                await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Rejected, why, cancellationToken).ConfigureAwait(false);
                return new ToolRefusal(Name, true, why);
            }

            await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Approved,
                $"Approved{who}" + (decision.Reason is null ? "." : $": {decision.Reason}"), cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Allowed, "Passed policy checks.", cancellationToken).ConfigureAwait(false);
        var wasTainted = _session.IsTainted;
        try
        {
            return await base.InvokeCoreAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Recorded even when the tool throws: a failed write may have half-happened, and an error message can
            // carry untrusted text back to the model.
            _session.RecordCall(Name, callId, policy.Capabilities);
            if ((policy.Capabilities & ToolCapabilities.UntrustedInput) != 0)
            {
                var note = wasTainted ? "More untrusted content entered the session." : "The session is now tainted by untrusted content.";
                await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Tainted, $"'{Name}' reads untrusted input. {note}", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<ToolRefusal> RefuseAsync(Activity? activity, string? callId, string argumentsJson, string reason, CancellationToken cancellationToken)
    {
        await AuditAsync(activity, callId, argumentsJson, ToolDecisionKind.Denied, reason, cancellationToken).ConfigureAwait(false);
        return new ToolRefusal(Name, true, reason);
    }

    private async ValueTask AuditAsync(
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
