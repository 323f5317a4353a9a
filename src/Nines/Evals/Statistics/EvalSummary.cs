namespace Nines.Evals;

/// <summary>The statistics of an eval: one row per configuration and the comparisons between them.</summary>
/// <remarks>Immutable and thread-safe. Built by <see cref="EvalStatistics.Compute"/>.</remarks>
public sealed record EvalSummary
{
    /// <summary>Gets the configurations, in the order they first appear in the results.</summary>
    public required IReadOnlyList<EvalConfigurationStatistics> Configurations { get; init; }

    /// <summary>Gets each configuration other than the baseline compared with the baseline.</summary>
    public required IReadOnlyList<EvalComparison> Comparisons { get; init; }

    /// <summary>Gets the baseline's name (the first configuration unless <see cref="EvalStatisticsOptions.Baseline"/> named another);
    /// <see langword="null"/> when there are no results.</summary>
    public required string? Baseline { get; init; }

    /// <summary>Gets the confidence level of the intervals.</summary>
    public required double Confidence { get; init; }

    /// <summary>Gets the significance level α of the comparisons.</summary>
    public required double SignificanceLevel { get; init; }

    /// <summary>The statistics of the configuration named <paramref name="name"/> (ordinal, case-insensitive).</summary>
    /// <param name="name">The configuration's name.</param>
    /// <exception cref="ArgumentException">No configuration has that name; the message lists the ones there are.</exception>
    public EvalConfigurationStatistics Configuration(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Configurations.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                Configurations.Count == 0
                    ? $"There is no configuration '{name}': the results are empty."
                    : $"There is no configuration '{name}'; the results have {string.Join(", ", Configurations.Select(c => c.Name))}.",
                nameof(name));
    }

    /// <summary>Compares <paramref name="configuration"/> with <paramref name="baseline"/> (Fisher's exact test at <see cref="SignificanceLevel"/>).</summary>
    /// <param name="configuration">The configuration to compare.</param>
    /// <param name="baseline">The configuration to compare it with.</param>
    /// <exception cref="ArgumentException">A name is not a configuration of the results.</exception>
    public EvalComparison Compare(string configuration, string baseline) =>
        EvalStatistics.Compare(Configuration(configuration), Configuration(baseline), Confidence, SignificanceLevel);
}
