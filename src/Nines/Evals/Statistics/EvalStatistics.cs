using System.Globalization;
using Nines.Planning;

namespace Nines.Evals;

/// <summary>
/// Turns trial rows into the numbers a team can trust: per configuration and per case the success rate with its Wilson
/// interval, nines and conservative nines, pass@k and pass^k, the trials for the next nine, latency percentiles, tokens,
/// cost, the failure taxonomy and metric means; and each configuration compared with the baseline by Fisher's exact test.
/// </summary>
/// <remarks>Pure and thread-safe; the same rows give the same summary. docs/evals.md explains every number.</remarks>
public static class EvalStatistics
{
    /// <summary>The category a failed trial without one is counted under.</summary>
    public const string UncategorizedFailure = "Uncategorized";

    /// <summary>Computes the statistics of <paramref name="results"/>.</summary>
    /// <param name="results">The trial rows, from an <c>EvalRunner</c> or from another tool. May be empty.</param>
    /// <param name="options">The confidence, significance level and baseline; <see langword="null"/> for the defaults.</param>
    /// <returns>The summary: one entry per configuration, in the order of first appearance.</returns>
    /// <exception cref="ArgumentException">The options are not valid, the baseline is not a configuration of the results,
    /// or a (configuration, case, trial) appears more than once.</exception>
    public static EvalSummary Compute(IReadOnlyList<EvalTrialResult> results, EvalStatisticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        options ??= new EvalStatisticsOptions();
        options.Validate();
        ThrowIfDuplicated(results);

        var configurations = results
            .GroupBy(r => r.Configuration, StringComparer.Ordinal)
            .Select(g => Configuration(g.Key, g.ToList(), options.Confidence))
            .ToList();

        string? baseline = null;
        if (configurations.Count > 0)
        {
            baseline = options.Baseline is null
                ? configurations[0].Name
                : configurations.FirstOrDefault(c => string.Equals(c.Name, options.Baseline, StringComparison.OrdinalIgnoreCase))?.Name
                  ?? throw new ArgumentException(
                      $"The baseline '{options.Baseline}' is not a configuration of the results; they have {string.Join(", ", configurations.Select(c => c.Name))}.",
                      nameof(options));
        }

        var baselineStatistics = configurations.FirstOrDefault(c => c.Name == baseline);
        var comparisons = baselineStatistics is null
            ? []
            : configurations
                .Where(c => !ReferenceEquals(c, baselineStatistics))
                .Select(c => Compare(c, baselineStatistics, options.Confidence, options.SignificanceLevel))
                .ToList();

        return new EvalSummary
        {
            Configurations = configurations,
            Comparisons = comparisons,
            Baseline = baseline,
            Confidence = options.Confidence,
            SignificanceLevel = options.SignificanceLevel,
        };
    }

    internal static EvalComparison Compare(EvalConfigurationStatistics configuration, EvalConfigurationStatistics baseline, double confidence, double significanceLevel)
    {
        var pValue = EvalEstimators.FisherExactTwoSided(configuration.Successes, configuration.Failures, baseline.Successes, baseline.Failures);
        var (lower, upper) = configuration.Trials == 0 || baseline.Trials == 0
            ? (-1.0, 1.0)
            : EvalEstimators.DifferenceInterval(
                ProportionInterval.Wilson(configuration.Successes, configuration.Trials, confidence),
                ProportionInterval.Wilson(baseline.Successes, baseline.Trials, confidence));
        var outcome = pValue >= significanceLevel || configuration.Rate == baseline.Rate
            ? EvalComparisonOutcome.NoSignificantDifference
            : configuration.Rate > baseline.Rate ? EvalComparisonOutcome.Better : EvalComparisonOutcome.Worse;
        var verdict = outcome switch
        {
            EvalComparisonOutcome.Better => $"{configuration.Name} is better than {baseline.Name} ({FormatPValue(pValue)})",
            EvalComparisonOutcome.Worse => $"{configuration.Name} is worse than {baseline.Name} ({FormatPValue(pValue)})",
            _ => $"no significant difference between {configuration.Name} and {baseline.Name} ({FormatPValue(pValue)})",
        };
        return new EvalComparison(
            configuration.Name, baseline.Name, configuration.Rate, baseline.Rate, lower, upper, pValue, significanceLevel, outcome, verdict);
    }

    /// <summary>"p &lt; 0.001" below a thousandth, otherwise two decimals, or three below 0.01: "p = 0.41", "p = 0.004".</summary>
    internal static string FormatPValue(double pValue) =>
        pValue < 0.001 ? "p < 0.001"
        : pValue < 0.01 ? "p = " + pValue.ToString("0.000", CultureInfo.InvariantCulture)
        : "p = " + pValue.ToString("0.00", CultureInfo.InvariantCulture);

    private static EvalConfigurationStatistics Configuration(string name, List<EvalTrialResult> rows, double confidence)
    {
        var trials = rows.Count;
        var successes = rows.Count(r => r.Passed);
        var interval = ProportionInterval.Wilson(successes, trials, confidence);
        var conservative = ReliabilityMath.Nines(interval.Lower);

        var cases = rows
            .GroupBy(r => r.CaseId, StringComparer.Ordinal)
            .Select(g =>
            {
                var caseRows = g.ToList();
                var caseSuccesses = caseRows.Count(r => r.Passed);
                return new EvalCaseStatistics(g.Key, caseRows.Count, caseSuccesses, ProportionInterval.Wilson(caseSuccesses, caseRows.Count, confidence), Taxonomy(caseRows));
            })
            .ToList();

        var perCase = cases.Min(c => c.Trials);
        var passHat = new double[perCase];
        var passAt = new double[perCase];
        for (var k = 1; k <= perCase; k++)
        {
            passHat[k - 1] = cases.Average(c => EvalEstimators.PassHatK(c.Trials, c.Successes, k));
            passAt[k - 1] = cases.Average(c => EvalEstimators.PassAtK(c.Trials, c.Successes, k));
        }

        var nextNine = (int)Math.Floor(conservative) + 1;
        var costs = rows.Where(r => r.CostUsd is not null).Select(r => r.CostUsd!.Value).ToList();
        var scores = rows.Where(r => r.Score is not null).Select(r => r.Score!.Value).ToList();
        var metricMeans = rows
            .Where(r => r.Metrics is not null)
            .SelectMany(r => r.Metrics!)
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Average(m => m.Value), StringComparer.Ordinal);

        return new EvalConfigurationStatistics
        {
            Name = name,
            Trials = trials,
            Successes = successes,
            Interval = interval,
            Nines = ReliabilityMath.Nines(interval.Rate),
            ConservativeNines = conservative,
            TrialsPerCase = perCase,
            PassHatK = passHat,
            PassAtK = passAt,
            NextNine = nextNine,
            ZeroFailureTrialsForNextNine = ReliabilityMath.ZeroFailureTrialsForNines(nextNine, confidence),
            AdditionalTrialsForNextNine = EvalEstimators.AdditionalSuccessesForNines(successes, trials, nextNine, confidence),
            Latency = EvalLatency.Of(rows.Where(r => r.LatencyMs is not null).Select(r => r.LatencyMs!.Value)),
            InputTokens = rows.Sum(r => r.InputTokens),
            OutputTokens = rows.Sum(r => r.OutputTokens),
            CostUsd = costs.Count == 0 ? null : costs.Sum(),
            CostPerTrialUsd = costs.Count == 0 ? null : costs.Average(),
            FailureCategories = Taxonomy(rows),
            MeanScore = scores.Count == 0 ? null : scores.Average(),
            MetricMeans = metricMeans,
            Cases = cases,
        };
    }

    private static List<EvalFailureCount> Taxonomy(List<EvalTrialResult> rows)
    {
        var failed = rows.Where(r => !r.Passed).ToList();
        return failed
            .GroupBy(r => string.IsNullOrWhiteSpace(r.FailureCategory) ? UncategorizedFailure : r.FailureCategory, StringComparer.Ordinal)
            .Select(g => new EvalFailureCount(g.Key, g.Count(), (double)g.Count() / failed.Count))
            .OrderByDescending(f => f.Count)
            .ThenBy(f => f.Category, StringComparer.Ordinal)
            .ToList();
    }

    private static void ThrowIfDuplicated(IReadOnlyList<EvalTrialResult> results)
    {
        var seen = new HashSet<(string, string, int)>();
        var duplicates = new List<string>();
        foreach (var row in results)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(results));
            if (!seen.Add((row.Configuration, row.CaseId, row.Trial)) && duplicates.Count < 10)
            {
                duplicates.Add($"{row.Configuration}/{row.CaseId}/trial {row.Trial}");
            }
        }

        if (duplicates.Count > 0)
        {
            throw new ArgumentException(
                $"Each (configuration, case, trial) must appear once, but these appear more than once: {string.Join(", ", duplicates)}. " +
                "Remove the repeated rows or number the trials of each case 0, 1, 2, ….",
                nameof(results));
        }
    }
}
