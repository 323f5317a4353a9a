namespace Nines.Evals;

/// <summary>Everything an eval's reports show: what ran, when, the statistics, the raw trial rows and the gates.</summary>
/// <param name="SuiteName">The suite's name (for <c>nines stats</c>, the input file's name).</param>
/// <param name="Summary">The statistics of <paramref name="Trials"/> (<see cref="EvalStatistics.Compute"/>).</param>
/// <param name="Trials">The trial rows.</param>
/// <remarks>docs/evals.md documents the report.json schema written from it.</remarks>
public sealed record EvalReport(string SuiteName, EvalSummary Summary, IReadOnlyList<EvalTrialResult> Trials)
{
    /// <summary>Gets what the suite measures; empty for none.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets the suite's seed, or <see langword="null"/> when unknown (results read from a file).</summary>
    public long? Seed { get; init; }

    /// <summary>Gets the trials per case the suite asked for, or <see langword="null"/> when unknown.</summary>
    public int? TrialsPerCase { get; init; }

    /// <summary>Gets the configurations' names and descriptions; configurations of the summary not listed here are shown without one.</summary>
    public IReadOnlyList<EvalReportConfiguration> Configurations { get; init; } = [];

    /// <summary>Gets when the eval started, or <see langword="null"/> when unknown.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the eval finished, or <see langword="null"/> when unknown.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets whether the eval was stopped before every trial ran (the report then covers the trials that finished).</summary>
    public bool Interrupted { get; init; }

    /// <summary>Gets the gates checked against <see cref="Summary"/>, in the order given.</summary>
    public IReadOnlyList<EvalGateResult> Gates { get; init; } = [];

    /// <summary>The description of configuration <paramref name="name"/>, or empty.</summary>
    internal string DescriptionOf(string name) =>
        Configurations.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))?.Description ?? string.Empty;
}
