namespace Nines.Agents;

/// <summary>What the built-in context reducer does first to old tool output when a prompt is over <see cref="AgentRunOptions.MaxContextTokens"/>.</summary>
public enum ContextReductionStrategy
{
    /// <summary>Replace old tool results, oldest first, by a short placeholder that names the tool and the size dropped.</summary>
    DropOldToolResults,

    /// <summary>
    /// Shorten old tool results, oldest first, to their first <see cref="AgentRunOptions.ContextExcerptTokens"/> tokens; when that
    /// is not enough, drop them to placeholders, oldest first. A deterministic stand-in for summarising that costs no model call.
    /// </summary>
    TruncateOldToolResults,
}
