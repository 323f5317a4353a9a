namespace Nines.Evals;

/// <summary>The difference in success rate between a configuration and a baseline, with Fisher's exact test.</summary>
/// <param name="Configuration">The configuration compared.</param>
/// <param name="Baseline">The configuration it is compared with.</param>
/// <param name="Rate">The configuration's success rate.</param>
/// <param name="BaselineRate">The baseline's success rate.</param>
/// <param name="DifferenceLower">The lower bound of the confidence interval of <see cref="Difference"/> (Newcombe's hybrid score interval).</param>
/// <param name="DifferenceUpper">The upper bound of that interval.</param>
/// <param name="PValue">The two-sided p-value of Fisher's exact test on the 2×2 table of successes and failures.</param>
/// <param name="SignificanceLevel">The level α the verdict uses: significant when <see cref="PValue"/> &lt; α.</param>
/// <param name="Outcome">Better, worse, or no significant difference.</param>
/// <param name="Verdict">One sentence, such as "hardened is better than baseline (p &lt; 0.001)".</param>
public sealed record EvalComparison(
    string Configuration,
    string Baseline,
    double Rate,
    double BaselineRate,
    double DifferenceLower,
    double DifferenceUpper,
    double PValue,
    double SignificanceLevel,
    EvalComparisonOutcome Outcome,
    string Verdict)
{
    /// <summary>Gets the difference in success rate, <see cref="Rate"/> − <see cref="BaselineRate"/>.</summary>
    public double Difference => Rate - BaselineRate;

    /// <summary>Gets whether the difference is significant at <see cref="SignificanceLevel"/>.</summary>
    public bool Significant => Outcome != EvalComparisonOutcome.NoSignificantDifference;
}
