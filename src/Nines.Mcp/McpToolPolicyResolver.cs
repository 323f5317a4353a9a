using ModelContextProtocol.Protocol;
using Nines.Tools;

namespace Nines.Mcp;

/// <summary>Turns a tool's MCP annotations and the server's configuration into the values of a <see cref="ToolPolicy"/>.</summary>
internal static class McpToolPolicyResolver
{
    public static ResolvedPolicy Resolve(McpServerOptions server, Tool tool)
    {
        var annotations = server.TrustAnnotations ? tool.Annotations : null;
        var readOnly = annotations?.ReadOnlyHint;
        var destructiveHint = annotations?.DestructiveHint;
        var openWorld = annotations?.OpenWorldHint;

        // MCP: destructiveHint is meaningful only when the tool is not read-only, and defaults to true.
        var destructive = !(readOnly ?? false) && (destructiveHint ?? true);
        var derived = ToolCapabilityMapping.FromMcpAnnotations(readOnly, destructiveHint, openWorld);
        var perTool = server.Tools.TryGetValue(tool.Name, out var entry) ? entry : null;

        var capabilities = perTool?.Capabilities ?? server.Defaults.Capabilities ?? derived;
        capabilities |= server.Defaults.AddCapabilities | (perTool?.AddCapabilities ?? ToolCapabilities.None);
        var verdict = perTool?.Verdict ?? server.Defaults.Verdict ?? (destructive ? server.DestructiveVerdict : ToolVerdict.Allow);
        var rateLimit = perTool?.RateLimit ?? server.Defaults.RateLimit;
        IReadOnlyList<ToolArgumentRule> rules = [.. server.Defaults.Rules, .. perTool?.Rules ?? []];

        var source = !server.TrustAnnotations
            ? "annotations not trusted, read as unannotated"
            : annotations is null
                ? "no annotations, read with MCP's defaults"
                : $"annotations readOnly={Show(readOnly)} destructive={Show(destructiveHint)} openWorld={Show(openWorld)}";
        var how = perTool?.Capabilities is not null ? "tool configuration"
            : server.Defaults.Capabilities is not null ? "server defaults"
            : source;
        var verdictFrom = perTool?.Verdict is not null ? "tool configuration"
            : server.Defaults.Verdict is not null ? "server defaults"
            : destructive ? "destructive tool" : "not destructive";
        var derivation = $"{Describe(capabilities)} from {how}" +
            (capabilities != (perTool?.Capabilities ?? server.Defaults.Capabilities ?? derived) ? " plus configured additions" : string.Empty) +
            $"; {verdict} ({verdictFrom}).";
        return new ResolvedPolicy(capabilities, verdict, rules, rateLimit, derivation);
    }

    internal static string Describe(ToolCapabilities capabilities)
    {
        var letters = string.Concat(
            (capabilities & ToolCapabilities.UntrustedInput) != 0 ? "[A]" : string.Empty,
            (capabilities & ToolCapabilities.SensitiveData) != 0 ? "[B]" : string.Empty,
            (capabilities & ToolCapabilities.ExternalEffect) != 0 ? "[C]" : string.Empty);
        return letters.Length == 0 ? "no capabilities" : letters;
    }

    private static string Show(bool? hint) => hint is { } value ? (value ? "true" : "false") : "unset";

    internal sealed record ResolvedPolicy(
        ToolCapabilities Capabilities, ToolVerdict Verdict, IReadOnlyList<ToolArgumentRule> Rules, ToolRateLimit? RateLimit, string Derivation);
}
