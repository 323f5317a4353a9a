using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Nines.Tools;

namespace Nines.Tests.Tools;

public class ToolPolicyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryToolAuditSink _audit = new();
    private readonly RecordingApprover _approver = new();
    private int _payCalls;

    [Fact]
    public async Task Invoke_DeniedTool_ReturnsRefusalAndNeverCallsTool()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy { Verdict = ToolVerdict.Deny }).StartSession("bob");

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", 10m), ("to", "acme")));

        var refusal = Assert.IsType<ToolRefusal>(result);
        Assert.True(refusal.Refused);
        Assert.Contains("not allowed by policy", refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _payCalls);
        var record = Assert.Single(_audit.Records);
        Assert.Equal(ToolDecisionKind.Denied, record.Decision);
        Assert.Equal("bob", record.Principal);
        Assert.Equal(session.Id, record.SessionId);
    }

    [Fact]
    public async Task Invoke_UnlistedToolWithoutDefaultPolicy_IsRefused()
    {
        var session = Guard(_ => { }).StartSession();

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", 10m), ("to", "acme")));

        Assert.Contains("No policy is configured", Assert.IsType<ToolRefusal>(result).Reason, StringComparison.Ordinal);
        Assert.Equal(0, _payCalls);
    }

    [Fact]
    public async Task Invoke_AllowedValidCall_RunsToolAndAuditsWhoWhatAndWhen()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy()).StartSession("bob");

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", 10m), ("to", "acme")));

        Assert.IsNotType<ToolRefusal>(result);
        Assert.Equal(1, _payCalls);
        var record = Assert.Single(_audit.Records);
        Assert.Equal(ToolDecisionKind.Allowed, record.Decision);
        Assert.Equal("pay", record.ToolName);
        Assert.Equal(_time.GetUtcNow(), record.Timestamp);
        Assert.Contains("\"acme\"", record.ArgumentsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ArgumentsBreakSchema_RefusedBeforeApprovalAndApproverNeverCalled()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy { Verdict = ToolVerdict.RequireApproval }).StartSession();

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", "a lot"), ("to", "acme")));

        Assert.Contains("do not match its JSON schema", Assert.IsType<ToolRefusal>(result).Reason, StringComparison.Ordinal);
        Assert.Empty(_approver.Requests);
        Assert.Equal(0, _payCalls);
    }

    [Fact]
    public async Task Invoke_MissingRequiredArgument_RefusedBySchema()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy()).StartSession();

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", 10m)));

        Assert.Contains("schema", Assert.IsType<ToolRefusal>(result).Reason, StringComparison.Ordinal);
        Assert.Equal(0, _payCalls);
    }

    [Fact]
    public async Task Invoke_RuleViolated_RefusedWithRuleMessage()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy().Rule<decimal>("amount", v => v <= 500, "amount must be ≤ 500"))
            .StartSession();

        var refused = await session.Protect(Pay()).InvokeAsync(Args(("amount", 501m), ("to", "acme")));
        var allowed = await session.Protect(Pay()).InvokeAsync(Args(("amount", 500m), ("to", "acme")));

        Assert.Contains("amount must be ≤ 500", Assert.IsType<ToolRefusal>(refused).Reason, StringComparison.Ordinal);
        Assert.IsNotType<ToolRefusal>(allowed);
        Assert.Equal(1, _payCalls);
    }

    [Fact]
    public async Task Invoke_RuleOnJsonElementArgument_ReadsTheModelsJson()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy().Rule<decimal>("amount", v => v <= 500, "amount must be ≤ 500"))
            .StartSession();
        var json = System.Text.Json.JsonDocument.Parse("""{"amount": 900, "to": "acme"}""").RootElement;

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", json.GetProperty("amount")), ("to", json.GetProperty("to"))));

        Assert.IsType<ToolRefusal>(result);
        Assert.Equal(0, _payCalls);
    }

    [Fact]
    public async Task Invoke_RequireApprovalApproved_RunsToolAndAuditsApproval()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy { Verdict = ToolVerdict.RequireApproval }).StartSession();

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", 10m), ("to", "acme")));

        Assert.IsNotType<ToolRefusal>(result);
        Assert.Equal(1, _payCalls);
        var request = Assert.Single(_approver.Requests);
        Assert.Equal("pay", request.ToolName);
        Assert.Contains("requires approval by policy", request.Reason, StringComparison.Ordinal);
        Assert.Equal(
            [ToolDecisionKind.ApprovalRequested, ToolDecisionKind.Approved, ToolDecisionKind.Allowed],
            _audit.Records.Select(r => r.Decision));
        Assert.Contains("alice", _audit.Records[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_RequireApprovalRejected_ReturnsRefusalAndNeverCallsTool()
    {
        _approver.Approve = false;
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy { Verdict = ToolVerdict.RequireApproval }).StartSession();

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", 10m), ("to", "acme")));

        Assert.Contains("rejected by alice: not today", Assert.IsType<ToolRefusal>(result).Reason, StringComparison.Ordinal);
        Assert.Equal(0, _payCalls);
        Assert.Equal(ToolDecisionKind.Rejected, _audit.Records[^1].Decision);
    }

    [Fact]
    public async Task Invoke_RequireApprovalWithoutApprover_IsRefused()
    {
        var options = new ToolPolicyOptions { AuditSink = _audit, TimeProvider = _time };
        options.Tools["pay"] = new ToolPolicy { Verdict = ToolVerdict.RequireApproval };
        var session = new ToolGuard(options).StartSession();

        var result = await session.Protect(Pay()).InvokeAsync(Args(("amount", 10m), ("to", "acme")));

        Assert.Contains("No approver is configured", Assert.IsType<ToolRefusal>(result).Reason, StringComparison.Ordinal);
        Assert.Equal(0, _payCalls);
    }

    [Fact]
    public async Task Invoke_RateLimit_RefusesOverLimitUntilWindowPasses()
    {
        var guard = Guard(o => o.Tools["pay"] = new ToolPolicy { RateLimit = new ToolRateLimit(2, TimeSpan.FromMinutes(1)) });
        var pay = guard.StartSession().Protect(Pay());
        var otherSession = guard.StartSession().Protect(Pay());

        Assert.IsNotType<ToolRefusal>(await pay.InvokeAsync(Args(("amount", 1m), ("to", "a"))));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.IsNotType<ToolRefusal>(await pay.InvokeAsync(Args(("amount", 1m), ("to", "a"))));
        var limited = await otherSession.InvokeAsync(Args(("amount", 1m), ("to", "a")));
        _time.Advance(TimeSpan.FromSeconds(30));
        var afterWindow = await pay.InvokeAsync(Args(("amount", 1m), ("to", "a")));

        Assert.Contains("rate limited to 2 calls", Assert.IsType<ToolRefusal>(limited).Reason, StringComparison.Ordinal);
        Assert.IsNotType<ToolRefusal>(afterWindow);
        Assert.Equal(3, _payCalls);
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsAllProblemsAtOnce()
    {
        var options = new ToolPolicyOptions();
        options.Tools["a"] = new ToolPolicy { RateLimit = new ToolRateLimit(0, TimeSpan.FromMinutes(1)) };
        options.Tools["b"] = new ToolPolicy { RateLimit = new ToolRateLimit(1, TimeSpan.Zero) };

        var ex = Assert.Throws<ArgumentException>(() => new ToolGuard(options));

        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionInvokingChatClient_DeniedCall_ModelReceivesRefusalAndLoopContinues()
    {
        var session = Guard(o => o.Tools["pay"] = new ToolPolicy { Verdict = ToolVerdict.Deny }).StartSession();
        var model = new ScriptedChatClient
        {
            OnGetResponse = (_, _, n) => n == 1
                ? new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "pay", Args(("amount", 10m), ("to", "acme")))]))
                : new ChatResponse(new ChatMessage(ChatRole.Assistant, "I could not pay.")),
        };
        using var client = new FunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync("pay acme", new ChatOptions { Tools = session.Protect([Pay()]) });

        Assert.Equal("I could not pay.", response.Text);
        Assert.Equal(0, _payCalls);
        var result = model.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        Assert.Contains("not allowed by policy", result.Result?.ToString(), StringComparison.Ordinal);
        Assert.Equal("call-1", Assert.Single(_audit.Records).CallId);
    }

    private static AIFunctionArguments Args(params (string Name, object? Value)[] values)
    {
        var args = new AIFunctionArguments();
        foreach (var (name, value) in values)
        {
            args[name] = value;
        }

        return args;
    }

    private ToolGuard Guard(Action<ToolPolicyOptions> configure)
    {
        var options = new ToolPolicyOptions { Approver = _approver, AuditSink = _audit, TimeProvider = _time };
        configure(options);
        return new ToolGuard(options);
    }

    private AIFunction Pay() => AIFunctionFactory.Create(
        (decimal amount, string to) =>
        {
            _payCalls++;
            return $"paid {amount} to {to}";
        },
        "pay");
}
