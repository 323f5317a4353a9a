namespace Nines.Evals;

/// <summary>What a significance test concluded about two configurations.</summary>
public enum EvalComparisonOutcome
{
    /// <summary>The difference is not significant at the chosen level.</summary>
    NoSignificantDifference,

    /// <summary>The configuration succeeds significantly more often than the baseline.</summary>
    Better,

    /// <summary>The configuration succeeds significantly less often than the baseline.</summary>
    Worse,
}
