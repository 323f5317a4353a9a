namespace Nines.Evals;

/// <summary>A snapshot of a running eval, reported after every finished trial.</summary>
/// <param name="Done">Trials finished, including those read back from the journal of an interrupted run.</param>
/// <param name="Total">Trials in all.</param>
/// <param name="Configurations">Per configuration, in the suite's order: trials done and the success rate so far.</param>
/// <param name="Elapsed">Wall time since this run of the eval started.</param>
/// <param name="EstimatedRemaining">Wall time still needed at the rate trials have finished so far; null before the first one.</param>
public sealed record EvalProgress(
    int Done,
    int Total,
    IReadOnlyList<EvalConfigurationProgress> Configurations,
    TimeSpan Elapsed,
    TimeSpan? EstimatedRemaining);
