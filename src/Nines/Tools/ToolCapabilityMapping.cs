namespace Nines.Tools;

/// <summary>Maps MCP <c>ToolAnnotations</c> hints onto <see cref="ToolCapabilities"/>.</summary>
/// <remarks>
/// Missing hints take the MCP defaults (<c>readOnlyHint</c> false, <c>destructiveHint</c> true, <c>openWorldHint</c> true),
/// so an unannotated tool is treated as [A]+[C], the cautious reading. Annotations are hints from the server, not proof:
/// a malicious server can claim to be read-only, so configuration should override them for servers you do not trust.
/// [B] cannot be derived from MCP annotations; it has to be configured.
/// </remarks>
public static class ToolCapabilityMapping
{
    /// <summary>Derives capabilities from MCP tool annotation hints.</summary>
    /// <param name="readOnlyHint">MCP <c>readOnlyHint</c>: the tool does not modify its environment.</param>
    /// <param name="destructiveHint">MCP <c>destructiveHint</c>: the tool may perform destructive updates. It does not change the
    /// capabilities (a tool that is not read-only is already [C]); use it to choose <see cref="ToolVerdict.RequireApproval"/>.</param>
    /// <param name="openWorldHint">MCP <c>openWorldHint</c>: the tool interacts with an open world of external entities.</param>
    /// <returns>
    /// [A] when the tool is open-world (its output can come from anyone); [C] when it is not read-only. Never [B].
    /// </returns>
    public static ToolCapabilities FromMcpAnnotations(bool? readOnlyHint, bool? destructiveHint, bool? openWorldHint)
    {
        _ = destructiveHint;
        var readOnly = readOnlyHint ?? false;
        var openWorld = openWorldHint ?? true;

        var capabilities = ToolCapabilities.None;
        if (openWorld)
        {
            capabilities |= ToolCapabilities.UntrustedInput;
        }

        if (!readOnly)
        {
            capabilities |= ToolCapabilities.ExternalEffect;
        }

        return capabilities;
    }
}
