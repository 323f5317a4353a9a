using Nines.Evals;

namespace Nines.CommandLine.Evals;

/// <summary>
/// The suites <c>nines eval</c> offers: the built-in ones and those a user's app hands to
/// <see cref="NinesCli.RunAsync(string[], EvalSuiteDefinition[])"/>, checked once so a clash is a clear error, not a
/// suite silently shadowing another.
/// </summary>
internal sealed class EvalSuiteCatalog
{
    /// <summary>The options every suite command has; a suite parameter may not reuse one of these names.</summary>
    internal static readonly string[] CommonOptionNames =
        ["trials", "seed", "concurrency", "config", "out", "resume", "fresh", "run-id", "store", "no-journal", "require", "json", "help", "verbose"];

    public EvalSuiteCatalog(IReadOnlyList<EvalSuiteDefinition> builtIn, IReadOnlyList<EvalSuiteDefinition>? user = null, string invocation = "nines")
    {
        ArgumentNullException.ThrowIfNull(builtIn);
        ArgumentException.ThrowIfNullOrWhiteSpace(invocation);
        user ??= [];
        var problems = new List<string>();
        foreach (var definition in user.Where(d => d is null).Take(1))
        {
            problems.Add("a suite definition is null");
        }

        var all = builtIn.Select(d => (Definition: d, BuiltIn: true)).Concat(user.Where(d => d is not null).Select(d => (Definition: d, BuiltIn: false))).ToList();
        foreach (var (definition, isBuiltIn) in all)
        {
            Check(definition, isBuiltIn, problems);
        }

        foreach (var clash in all.GroupBy(s => s.Definition.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add(clash.Any(s => s.BuiltIn)
                ? $"your eval suite '{clash.Key}' has the name of a built-in suite; rename yours (for example 'my-{clash.Key}')"
                : $"{clash.Count()} of your eval suites are named '{clash.Key}'; suite names must be unique");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Eval suites cannot be offered on the command line: " + string.Join("; ", problems) + ".");
        }

        Suites = all;
        Invocation = invocation;
    }

    /// <summary>Every suite, built-in ones first, each with whether it is built in.</summary>
    public IReadOnlyList<(EvalSuiteDefinition Definition, bool BuiltIn)> Suites { get; }

    /// <summary>How the user started this program, for the resume hint: <c>nines</c>, or <c>dotnet run --</c> in a user's app.</summary>
    public string Invocation { get; }

    /// <summary>The built-in suites only.</summary>
    public static EvalSuiteCatalog BuiltInOnly() => new(BuiltInSuites);

    /// <summary>The suites that ship with Nines.</summary>
    internal static IReadOnlyList<EvalSuiteDefinition> BuiltInSuites => BuiltInEvalSuites.All;

    private static void Check(EvalSuiteDefinition definition, bool builtIn, List<string> problems)
    {
        var who = builtIn ? "built-in suite" : "eval suite";
        if (string.IsNullOrWhiteSpace(definition.Name) || !IsCommandName(definition.Name))
        {
            problems.Add($"{who} name '{definition.Name}' must be letters, digits, '-' and '_', starting with a letter (it becomes 'eval <name>')");
            return;
        }

        if (definition.Create is null)
        {
            problems.Add($"{who} '{definition.Name}' has no Create function");
        }

        foreach (var parameter in definition.Parameters ?? [])
        {
            if (parameter is null || string.IsNullOrWhiteSpace(parameter.Name) || !IsCommandName(parameter.Name))
            {
                problems.Add($"{who} '{definition.Name}' has a parameter named '{parameter?.Name}'; use lower-case words joined by '-', such as per-step-error");
            }
            else if (CommonOptionNames.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{who} '{definition.Name}' has a parameter --{parameter.Name}, which every suite already has; rename it");
            }
        }

        foreach (var duplicate in (definition.Parameters ?? []).Where(p => p is not null).GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"{who} '{definition.Name}' declares --{duplicate.Key} {duplicate.Count()} times");
        }
    }

    private static bool IsCommandName(string name) =>
        char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
