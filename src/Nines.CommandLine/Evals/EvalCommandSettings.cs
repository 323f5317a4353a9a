namespace Nines.CommandLine.Evals;

/// <summary>The common options of one <c>nines eval &lt;suite&gt;</c> invocation.</summary>
internal sealed record EvalCommandSettings
{
    public int? Trials { get; init; }

    public long? Seed { get; init; }

    public int? Concurrency { get; init; }

    public IReadOnlyList<string> Configurations { get; init; } = [];

    public string? OutDirectory { get; init; }

    public bool Resume { get; init; }

    public bool Fresh { get; init; }

    public string? RunId { get; init; }

    public string? Store { get; init; }

    public bool NoJournal { get; init; }

    public IReadOnlyList<string> Gates { get; init; } = [];

    public bool Json { get; init; }

    /// <summary>The suite options given on the command line (without dashes), as typed.</summary>
    public IReadOnlyDictionary<string, string> SuiteValues { get; init; } = new Dictionary<string, string>();

    /// <summary>The command line as typed after the program name, to print the exact resume command.</summary>
    public IReadOnlyList<string> Tokens { get; init; } = [];
}
