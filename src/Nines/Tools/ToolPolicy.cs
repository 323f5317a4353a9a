namespace Nines.Tools;

/// <summary>The policy for one tool: verdict, capabilities, argument rules and rate limit.</summary>
/// <remarks>Mutable while the options are built; <see cref="ToolGuard"/> validates it once and must not see later changes.</remarks>
public sealed class ToolPolicy
{
    /// <summary>Gets or sets the verdict for calls to the tool.</summary>
    /// <value>The default value is <see cref="ToolVerdict.Allow"/>.</value>
    public ToolVerdict Verdict { get; set; } = ToolVerdict.Allow;

    /// <summary>Gets or sets what the tool can do, for taint tracking and the Rule of Two.</summary>
    /// <value>The default value is <see cref="ToolCapabilities.None"/>.</value>
    public ToolCapabilities Capabilities { get; set; }

    /// <summary>Gets the argument rules; all must hold.</summary>
    public IList<ToolArgumentRule> Rules { get; } = [];

    /// <summary>Gets or sets the rate limit.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    public ToolRateLimit? RateLimit { get; set; }

    /// <summary>Adds a rule on one argument, read as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="argument">The argument's name.</param>
    /// <param name="predicate">The condition that must hold.</param>
    /// <param name="message">What the model is told when it does not.</param>
    /// <returns>This policy.</returns>
    public ToolPolicy Rule<T>(string argument, Func<T, bool> predicate, string message)
    {
        Rules.Add(ToolArgumentRule.Create(argument, predicate, message));
        return this;
    }

    /// <summary>Adds a rule that a path argument, canonicalised, stays under <paramref name="root"/>.</summary>
    /// <param name="argument">The argument's name.</param>
    /// <param name="root">The allowed directory.</param>
    /// <returns>This policy.</returns>
    public ToolPolicy PathUnder(string argument, string root)
    {
        Rules.Add(ToolArgumentRule.PathUnder(argument, root));
        return this;
    }
}
