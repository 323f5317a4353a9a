namespace Nines.Evals;

/// <summary>
/// A named, parameterised way to build an <see cref="EvalSuite"/>: what <c>nines eval &lt;name&gt;</c> finds, for the
/// built-in suites and for suites a user's app hands to the command line.
/// </summary>
public sealed class EvalSuiteDefinition
{
    /// <summary>The suite's name on the command line (<c>nines eval invoices</c>).</summary>
    public required string Name { get; init; }

    /// <summary>One line for <c>nines eval --help</c>.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Suite-specific options (<c>--disks</c>); the common ones (<c>--trials</c>, <c>--seed</c>, …) are the command's.</summary>
    public IReadOnlyList<EvalSuiteParameter> Parameters { get; init; } = [];

    /// <summary>Builds the suite from the given arguments.</summary>
    public required Func<EvalSuiteArguments, EvalSuite> Create { get; init; }
}
