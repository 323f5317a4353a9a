namespace Nines.Evals;

/// <summary>One row of a failure taxonomy: how many failed trials fell in a category.</summary>
/// <param name="Category">The failure category (<see cref="EvalTrialResult.FailureCategory"/>; <c>Uncategorized</c> when a failed trial had none).</param>
/// <param name="Count">The number of failed trials in the category.</param>
/// <param name="Share">The category's share of all failed trials, in [0, 1].</param>
public sealed record EvalFailureCount(string Category, int Count, double Share);
