using Nines.Tools;

namespace Nines.Mcp;

/// <summary>
/// Configuration that replaces or adds to what an MCP server's annotations say about a tool: its capabilities, verdict,
/// argument rules and rate limit. Used per tool (<see cref="McpServerOptions.Tools"/>) and per server
/// (<see cref="McpServerOptions.Defaults"/>).
/// </summary>
/// <remarks>
/// Layering, from weakest to strongest: the annotations (or the cautious reading when they are missing or not trusted),
/// then the server's <see cref="McpServerOptions.Defaults"/>, then the tool's own entry. Replacing values
/// (<see cref="Capabilities"/>, <see cref="Verdict"/>, <see cref="RateLimit"/>) take the strongest value that is set;
/// adding values (<see cref="AddCapabilities"/>, <see cref="Rules"/>) accumulate from both levels.
/// </remarks>
public sealed class McpToolOverride
{
    /// <summary>Gets or sets the capabilities to use instead of those derived from the annotations.</summary>
    /// <value>The default value is <see langword="null"/>: keep the derived capabilities.</value>
    public ToolCapabilities? Capabilities { get; set; }

    /// <summary>Gets or sets capabilities added on top of the derived or replaced ones, for example [B] for a server that holds private data.</summary>
    /// <value>The default value is <see cref="ToolCapabilities.None"/>.</value>
    /// <remarks>[B] <see cref="ToolCapabilities.SensitiveData"/> cannot be derived from MCP annotations: configure it here.</remarks>
    public ToolCapabilities AddCapabilities { get; set; }

    /// <summary>Gets or sets the verdict to use instead of the default one.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: <see cref="McpServerOptions.DestructiveVerdict"/> for tools that are
    /// destructive by their annotations (or by MCP's defaults), <see cref="ToolVerdict.Allow"/> for the others.
    /// </value>
    public ToolVerdict? Verdict { get; set; }

    /// <summary>Gets the argument rules added to the tool's policy; all must hold.</summary>
    public IList<ToolArgumentRule> Rules { get; } = [];

    /// <summary>Gets or sets the rate limit, counted per tool (a server-wide default gives each tool its own window).</summary>
    /// <value>The default value is <see langword="null"/>: no limit at this level.</value>
    public ToolRateLimit? RateLimit { get; set; }

    /// <summary>Adds a rule on one argument, read as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="argument">The argument's name, as the MCP tool's input schema spells it.</param>
    /// <param name="predicate">The condition that must hold.</param>
    /// <param name="message">What the model is told when it does not.</param>
    /// <returns>This override.</returns>
    public McpToolOverride Rule<T>(string argument, Func<T, bool> predicate, string message)
    {
        Rules.Add(ToolArgumentRule.Create(argument, predicate, message));
        return this;
    }

    /// <summary>Adds a rule that a path argument, canonicalised, stays under <paramref name="root"/>.</summary>
    /// <param name="argument">The argument's name, as the MCP tool's input schema spells it.</param>
    /// <param name="root">The allowed directory.</param>
    /// <returns>This override.</returns>
    /// <remarks>
    /// A rule whose argument is absent from a call is skipped, so list every path argument of the tool (for the
    /// filesystem server's <c>move_file</c>: <c>source</c> and <c>destination</c>). An argument that is not a string
    /// (an array of paths) fails the rule, so the call is refused rather than waved through.
    /// </remarks>
    public McpToolOverride PathUnder(string argument, string root)
    {
        Rules.Add(ToolArgumentRule.PathUnder(argument, root));
        return this;
    }
}
