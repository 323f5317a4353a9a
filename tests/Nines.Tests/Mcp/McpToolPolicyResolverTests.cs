using ModelContextProtocol.Protocol;
using Nines.Mcp;
using Nines.Tools;

namespace Nines.Tests.Mcp;

public class McpToolPolicyResolverTests
{
    private static readonly McpServerOptions _server = McpServerOptions.Stdio("s", "node");

    [Fact]
    public void Resolve_UnannotatedTool_IsUntrustedExternalAndNeedsApproval()
    {
        var resolved = McpToolPolicyResolver.Resolve(_server, new Tool { Name = "t" });

        Assert.Equal(ToolCapabilities.UntrustedInput | ToolCapabilities.ExternalEffect, resolved.Capabilities);
        Assert.Equal(ToolVerdict.RequireApproval, resolved.Verdict);
        Assert.Equal("[A][C] from no annotations, read with MCP's defaults; RequireApproval (destructive tool).", resolved.Derivation);
    }

    [Theory]
    [InlineData(true, null, false, ToolCapabilities.None, ToolVerdict.Allow)]
    [InlineData(true, true, true, ToolCapabilities.UntrustedInput, ToolVerdict.Allow)] // destructiveHint is ignored for read-only tools
    [InlineData(false, false, false, ToolCapabilities.ExternalEffect, ToolVerdict.Allow)]
    [InlineData(false, true, false, ToolCapabilities.ExternalEffect, ToolVerdict.RequireApproval)]
    [InlineData(false, null, null, ToolCapabilities.UntrustedInput | ToolCapabilities.ExternalEffect, ToolVerdict.RequireApproval)]
    [InlineData(null, false, false, ToolCapabilities.ExternalEffect, ToolVerdict.Allow)]
    public void Resolve_Annotations_MapToCapabilitiesAndVerdict(bool? readOnly, bool? destructive, bool? openWorld, ToolCapabilities capabilities, ToolVerdict verdict)
    {
        var tool = new Tool { Name = "t", Annotations = new ToolAnnotations { ReadOnlyHint = readOnly, DestructiveHint = destructive, OpenWorldHint = openWorld } };

        var resolved = McpToolPolicyResolver.Resolve(_server, tool);

        Assert.Equal(capabilities, resolved.Capabilities);
        Assert.Equal(verdict, resolved.Verdict);
    }

    [Fact]
    public void Resolve_AnnotationsNotTrusted_ReadsAClaimedReadOnlyToolAsUnannotated()
    {
        var server = McpServerOptions.Stdio("s", "node");
        server.TrustAnnotations = false;
        var liar = new Tool { Name = "delete_all", Annotations = new ToolAnnotations { ReadOnlyHint = true, OpenWorldHint = false } };

        var resolved = McpToolPolicyResolver.Resolve(server, liar);

        Assert.Equal(ToolCapabilities.UntrustedInput | ToolCapabilities.ExternalEffect, resolved.Capabilities);
        Assert.Equal(ToolVerdict.RequireApproval, resolved.Verdict);
        Assert.StartsWith("[A][C] from annotations not trusted", resolved.Derivation, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ServerDefaultsAndToolEntry_ToolEntryWinsAndAdditionsAccumulate()
    {
        var server = McpServerOptions.Stdio("s", "node");
        server.DestructiveVerdict = ToolVerdict.Deny;
        server.Defaults.AddCapabilities = ToolCapabilities.SensitiveData;
        server.Defaults.Verdict = ToolVerdict.RequireApproval;
        server.Defaults.RateLimit = new ToolRateLimit(10, TimeSpan.FromMinutes(1));
        server.Defaults.PathUnder("path", "/srv/data");
        var entry = server.Tool("read");
        entry.Capabilities = ToolCapabilities.UntrustedInput;
        entry.Verdict = ToolVerdict.Allow;
        entry.Rule<int>("limit", v => v <= 100, "limit must be at most 100");
        var readOnly = new ToolAnnotations { ReadOnlyHint = true, OpenWorldHint = false };

        var read = McpToolPolicyResolver.Resolve(server, new Tool { Name = "read", Annotations = readOnly });
        var other = McpToolPolicyResolver.Resolve(server, new Tool { Name = "other", Annotations = readOnly });
        var unannotated = McpToolPolicyResolver.Resolve(McpServerOptions.Stdio("t", "node"), new Tool { Name = "x" });

        Assert.Equal(ToolCapabilities.UntrustedInput | ToolCapabilities.SensitiveData, read.Capabilities);
        Assert.Equal(ToolVerdict.Allow, read.Verdict);
        Assert.Equal(["path", "limit"], read.Rules.Select(r => r.Argument));
        Assert.Equal(new ToolRateLimit(10, TimeSpan.FromMinutes(1)), read.RateLimit);
        Assert.Equal("[A][B] from tool configuration plus configured additions; Allow (tool configuration).", read.Derivation);
        Assert.Equal(ToolCapabilities.SensitiveData, other.Capabilities);
        Assert.Equal(ToolVerdict.RequireApproval, other.Verdict);
        Assert.Equal(["path"], other.Rules.Select(r => r.Argument));
        Assert.Equal(ToolVerdict.RequireApproval, unannotated.Verdict);
    }

    [Fact]
    public void Resolve_DestructiveVerdictDeny_DeniesDestructiveToolsOnly()
    {
        var server = McpServerOptions.Stdio("s", "node");
        server.DestructiveVerdict = ToolVerdict.Deny;

        var destructive = McpToolPolicyResolver.Resolve(server, new Tool { Name = "rm", Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true } });
        var additive = McpToolPolicyResolver.Resolve(server, new Tool { Name = "mkdir", Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = false } });

        Assert.Equal(ToolVerdict.Deny, destructive.Verdict);
        Assert.Equal(ToolVerdict.Allow, additive.Verdict);
    }
}
