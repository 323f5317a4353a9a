using Nines.Planning;

namespace Nines.Evals;

/// <summary>The statistics of one configuration over all its cases and trials (see docs/evals.md for what each number means).</summary>
public sealed record EvalConfigurationStatistics
{
    /// <summary>Gets the configuration's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the number of trials over all cases.</summary>
    public required int Trials { get; init; }

    /// <summary>Gets the number of trials that passed.</summary>
    public required int Successes { get; init; }

    /// <summary>Gets the number of trials that failed.</summary>
    public int Failures => Trials - Successes;

    /// <summary>Gets the success rate's confidence interval (Wilson score, at <see cref="EvalSummary.Confidence"/>).</summary>
    public required ProportionInterval Interval { get; init; }

    /// <summary>Gets the success rate, <see cref="Successes"/> / <see cref="Trials"/>.</summary>
    public double Rate => Interval.Rate;

    /// <summary>Gets the nines of the success rate, −log10(1 − rate); <see cref="double.PositiveInfinity"/> when no trial failed.</summary>
    public required double Nines { get; init; }

    /// <summary>Gets the nines of the interval's lower bound: what the data supports at the chosen confidence. Always finite.</summary>
    public required double ConservativeNines { get; init; }

    /// <summary>Gets the smallest number of trials any case had: the largest k that pass@k and pass^k are reported for.</summary>
    public required int TrialsPerCase { get; init; }

    /// <summary>Gets pass^k for k = 1 … <see cref="TrialsPerCase"/> at index k − 1: the estimated probability that k
    /// independent trials of a case all pass, averaged over cases (unbiased estimator C(c, k) / C(n, k)).</summary>
    public required IReadOnlyList<double> PassHatK { get; init; }

    /// <summary>Gets pass@k for k = 1 … <see cref="TrialsPerCase"/> at index k − 1: the estimated probability that at least
    /// one of k independent trials of a case passes, averaged over cases (unbiased estimator 1 − C(n − c, k) / C(n, k)).</summary>
    public required IReadOnlyList<double> PassAtK { get; init; }

    /// <summary>Gets the next whole number of nines above <see cref="ConservativeNines"/>: ⌊conservative nines⌋ + 1.</summary>
    public required int NextNine { get; init; }

    /// <summary>Gets how many failure-free trials demonstrate <see cref="NextNine"/> nines from scratch at the chosen confidence:
    /// ⌈ln(1 − confidence) / ln(1 − 10^−d)⌉ (about 3·10^d at 95%).</summary>
    public required long ZeroFailureTrialsForNextNine { get; init; }

    /// <summary>Gets how many more trials, all passing, would lift <see cref="ConservativeNines"/> to <see cref="NextNine"/>
    /// on top of the trials already run; <see langword="null"/> when that is beyond 10^15 trials.</summary>
    public required long? AdditionalTrialsForNextNine { get; init; }

    /// <summary>Gets the latency percentiles, or <see langword="null"/> when no trial recorded its latency.</summary>
    public required EvalLatency? Latency { get; init; }

    /// <summary>Gets the input tokens of all trials.</summary>
    public required long InputTokens { get; init; }

    /// <summary>Gets the output tokens of all trials.</summary>
    public required long OutputTokens { get; init; }

    /// <summary>Gets the mean input + output tokens per trial.</summary>
    public double TokensPerTrial => Trials == 0 ? 0 : (double)(InputTokens + OutputTokens) / Trials;

    /// <summary>Gets the total cost in US dollars of the trials whose cost is known, or <see langword="null"/> when none is.</summary>
    public required double? CostUsd { get; init; }

    /// <summary>Gets the mean cost per trial over the trials whose cost is known, or <see langword="null"/> when none is.</summary>
    public required double? CostPerTrialUsd { get; init; }

    /// <summary>Gets the failure taxonomy: each category's count and share of the failures, most frequent first.</summary>
    public required IReadOnlyList<EvalFailureCount> FailureCategories { get; init; }

    /// <summary>Gets the mean of the scorer's graded <see cref="EvalTrialResult.Score"/> over the trials that have one, or <see langword="null"/>.</summary>
    public required double? MeanScore { get; init; }

    /// <summary>Gets the mean of each named metric (<see cref="EvalTrialResult.Metrics"/>) over the trials that report it, by name.</summary>
    public required IReadOnlyDictionary<string, double> MetricMeans { get; init; }

    /// <summary>Gets the per-case statistics, in the order the cases first appear in the results.</summary>
    public required IReadOnlyList<EvalCaseStatistics> Cases { get; init; }

    /// <summary>pass^k for one k, or <see langword="null"/> when k is outside 1 … <see cref="TrialsPerCase"/>.</summary>
    /// <param name="k">The number of trials that must all pass.</param>
    public double? PassHat(int k) => k >= 1 && k <= PassHatK.Count ? PassHatK[k - 1] : null;

    /// <summary>pass@k for one k, or <see langword="null"/> when k is outside 1 … <see cref="TrialsPerCase"/>.</summary>
    /// <param name="k">The number of trials of which at least one must pass.</param>
    public double? PassAt(int k) => k >= 1 && k <= PassAtK.Count ? PassAtK[k - 1] : null;
}
