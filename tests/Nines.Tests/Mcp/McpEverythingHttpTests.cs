using Microsoft.Extensions.AI;
using Nines.Mcp;
using Nines.Tools;

namespace Nines.Tests.Mcp;

/// <summary>The real <c>@modelcontextprotocol/server-everything</c> over streamable HTTP, behind the Nines tool guard.</summary>
[Collection(McpServersCollection.Name)]
public sealed class McpEverythingHttpTests(McpServersFixture servers)
{
    [SkippableFact]
    public async Task ConnectAsync_EverythingOverStreamableHttp_ListsToolsDerivesCapabilitiesAndCallsThroughTheGuard()
    {
        servers.RequireServers();
        await using var server = await EverythingHttpServer.StartAsync(servers);
        var options = McpServerOptions.Http("everything", server.Endpoint);
        options.Tool("get-sum").Rule<double>("a", a => a <= 100, "a must be at most 100");
        await using var source = await McpToolSource.ConnectAsync(options);

        // Capabilities from the annotations server-everything declares:
        // echo {readOnly, closed world} → none; toggle-simulated-logging {not read-only, not destructive, closed world} → [C], allowed;
        // gzip-file-as-resource {not read-only, not destructive, open world} → [A][C], allowed.
        var byName = source.Tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Assert.Equal((ToolCapabilities.None, ToolVerdict.Allow), (byName["echo"].Capabilities, byName["echo"].Verdict));
        Assert.Equal((ToolCapabilities.ExternalEffect, ToolVerdict.Allow), (byName["toggle-simulated-logging"].Capabilities, byName["toggle-simulated-logging"].Verdict));
        Assert.Equal(
            (ToolCapabilities.UntrustedInput | ToolCapabilities.ExternalEffect, ToolVerdict.Allow),
            (byName["gzip-file-as-resource"].Capabilities, byName["gzip-file-as-resource"].Verdict));
        Assert.Equal("[A][C] from annotations readOnly=false destructive=false openWorld=true; Allow (not destructive).", byName["gzip-file-as-resource"].Derivation);

        // server-everything offers these only to clients that advertise sampling and roots; Nines advertises neither.
        Assert.DoesNotContain("trigger-sampling-request", byName.Keys);
        Assert.DoesNotContain("get-roots-list", byName.Keys);

        var audit = new InMemoryToolAuditSink();
        var policy = new ToolPolicyOptions { AuditSink = audit };
        source.AddPolicies(policy);
        var session = new ToolGuard(policy).StartSession("test");
        var (counted, calls) = CountingAIFunction.Wrap(source.Functions);
        var tools = session.Protect(counted).OfType<AIFunction>().ToDictionary(f => f.Name, StringComparer.Ordinal);

        var echoed = await tools["echo"].InvokeAsync(McpResults.Arguments(("message", "hello nines")));
        Assert.Equal("Echo: hello nines", McpResults.Text(echoed));

        var sum = await tools["get-sum"].InvokeAsync(McpResults.Arguments(("a", 2), ("b", 3)));
        Assert.Contains("5", McpResults.Text(sum), StringComparison.Ordinal);

        // The schema and the configured rule are checked here, before the call is sent over HTTP.
        var badType = await tools["get-sum"].InvokeAsync(McpResults.Arguments(("a", "two"), ("b", 3)));
        Assert.Contains("do not match its JSON schema", Assert.IsType<ToolRefusal>(badType).Reason, StringComparison.Ordinal);
        var tooBig = await tools["get-sum"].InvokeAsync(McpResults.Arguments(("a", 1000), ("b", 3)));
        Assert.Contains("a must be at most 100", Assert.IsType<ToolRefusal>(tooBig).Reason, StringComparison.Ordinal);
        Assert.Equal(1, calls["get-sum"].Calls);
        Assert.Equal(
            [ToolDecisionKind.Allowed, ToolDecisionKind.Allowed, ToolDecisionKind.Denied, ToolDecisionKind.Denied],
            audit.Records.Select(r => r.Decision));
    }
}
