namespace Nines.Evals;

/// <summary>Judges one trial's output against its case.</summary>
/// <param name="evalCase">The case the trial ran.</param>
/// <param name="output">What the configuration's target returned.</param>
/// <param name="context">The trial, for its seed, configuration and recorded usage.</param>
/// <returns>Pass or fail, an optional score and, on failure, a category for the failure taxonomy.</returns>
/// <remarks>A scorer must be deterministic and thread-safe: trials are scored concurrently. An exception thrown by a
/// scorer is a bug in the suite, not a failed trial, and stops the eval with the case and trial named.</remarks>
public delegate EvalScore EvalScorer(EvalCase evalCase, object? output, EvalTrialContext context);
