namespace Nines.Evals;

/// <summary>The system under test for one configuration: runs one trial of one case and returns its output.</summary>
/// <param name="context">The trial: case, configuration, trial number, seed, seeded random, and usage recording.</param>
/// <param name="cancellationToken">Cancelled when the eval is stopped (Ctrl+C); the trial is then not recorded.</param>
/// <returns>The output the scorer judges.</returns>
/// <remarks>An exception other than the eval's own cancellation is a failed trial whose category comes from the
/// exception (see <see cref="EvalFailureCategories.FromException"/>); it never crashes the eval.</remarks>
public delegate ValueTask<object?> EvalTarget(EvalTrialContext context, CancellationToken cancellationToken);
