using Nines.Planning;

namespace Nines.Evals;

/// <summary>The statistics of one case under one configuration.</summary>
/// <param name="CaseId">The case's id.</param>
/// <param name="Trials">The number of trials.</param>
/// <param name="Successes">The number of trials that passed.</param>
/// <param name="Interval">The success rate's confidence interval (Wilson score; its <see cref="ProportionInterval.Rate"/> is the rate).</param>
/// <param name="FailureCategories">The case's failure taxonomy, most frequent first.</param>
public sealed record EvalCaseStatistics(
    string CaseId,
    int Trials,
    int Successes,
    ProportionInterval Interval,
    IReadOnlyList<EvalFailureCount> FailureCategories)
{
    /// <summary>Gets the success rate, <see cref="Successes"/> / <see cref="Trials"/>.</summary>
    public double Rate => Interval.Rate;
}
