namespace Nines.Evals;

/// <summary>A scorer's verdict on one trial.</summary>
/// <param name="Passed">Whether the trial succeeded.</param>
/// <param name="Score">An optional graded score (for example 0–1), reported alongside pass/fail.</param>
/// <param name="FailureCategory">On failure, the category for the failure taxonomy (for example <c>WrongAnswer</c>,
/// <c>MalformedJson</c>, <c>ActedOnInjection</c>); <see langword="null"/> on success.</param>
/// <param name="Detail">A short human-readable explanation, shown in the report's trial grid.</param>
/// <param name="Metrics">Named figures the suite measures beyond pass/fail (for example <c>samples_per_step</c>); reports show
/// their mean per configuration. <see langword="null"/> for none.</param>
public readonly record struct EvalScore(
    bool Passed,
    double? Score = null,
    string? FailureCategory = null,
    string? Detail = null,
    IReadOnlyDictionary<string, double>? Metrics = null)
{
    /// <summary>A passing score.</summary>
    public static EvalScore Pass(double? score = null, string? detail = null) => new(true, score, null, detail);

    /// <summary>A failing score in <paramref name="category"/>.</summary>
    public static EvalScore Fail(string category, string? detail = null, double? score = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        return new(false, score, category, detail);
    }
}
