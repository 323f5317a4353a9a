using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;
using Nines.Tools;

namespace Nines.Mcp;

/// <summary>One tool of a connected MCP server: where it came from, what its annotations claim, and the policy Nines derived for it.</summary>
/// <remarks>
/// <see cref="Function"/> is the raw tool: calling it goes straight to the server. Hand it to a model only through
/// <see cref="ToolSession.Protect(AIFunction)"/> (or <see cref="McpToolSource.Protect"/>), with the policies from
/// <see cref="McpToolSource.AddPolicies"/> in the guard's options.
/// </remarks>
public sealed class McpToolInfo
{
    internal McpToolInfo(
        string name,
        string serverName,
        Tool protocolTool,
        AIFunction function,
        ToolCapabilities capabilities,
        ToolVerdict verdict,
        IReadOnlyList<ToolArgumentRule> rules,
        ToolRateLimit? rateLimit,
        string derivation)
    {
        Name = name;
        ServerName = serverName;
        ProtocolTool = protocolTool;
        Function = function;
        Capabilities = capabilities;
        Verdict = verdict;
        Rules = rules;
        RateLimit = rateLimit;
        Derivation = derivation;
    }

    /// <summary>Gets the name the model sees and the guard's policy is keyed by: the server's tool name with the server's prefix, if any.</summary>
    public string Name { get; }

    /// <summary>Gets the <see cref="McpServerOptions.Name"/> of the server the tool belongs to.</summary>
    public string ServerName { get; }

    /// <summary>Gets the tool's name on its server.</summary>
    public string ServerToolName => ProtocolTool.Name;

    /// <summary>Gets the tool as the server described it, annotations included.</summary>
    public Tool ProtocolTool { get; }

    /// <summary>Gets the raw, unguarded tool; see the remarks on <see cref="McpToolInfo"/>.</summary>
    public AIFunction Function { get; }

    /// <summary>Gets the capabilities after annotations and configuration.</summary>
    public ToolCapabilities Capabilities { get; }

    /// <summary>Gets the verdict after annotations and configuration.</summary>
    public ToolVerdict Verdict { get; }

    /// <summary>Gets the configured argument rules.</summary>
    public IReadOnlyList<ToolArgumentRule> Rules { get; }

    /// <summary>Gets the configured rate limit, or <see langword="null"/> for none.</summary>
    public ToolRateLimit? RateLimit { get; }

    /// <summary>Gets a sentence saying where the capabilities and verdict came from, for logs and reviews.</summary>
    public string Derivation { get; }

    /// <summary>Creates a new <see cref="ToolPolicy"/> with this tool's verdict, capabilities, rules and rate limit.</summary>
    /// <returns>A fresh policy, so a guard built from it never sees later changes to another one.</returns>
    public ToolPolicy CreatePolicy()
    {
        var policy = new ToolPolicy { Verdict = Verdict, Capabilities = Capabilities, RateLimit = RateLimit };
        foreach (var rule in Rules)
        {
            policy.Rules.Add(rule);
        }

        return policy;
    }
}
