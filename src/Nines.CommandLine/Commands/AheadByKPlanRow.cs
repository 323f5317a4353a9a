namespace Nines.CommandLine.Commands;

/// <summary>One row of <c>nines plan</c>: first-to-ahead-by-<see cref="K"/> voting on every step.</summary>
internal sealed record AheadByKPlanRow(
    int K,
    double ExpectedSamplesPerStep,
    double ExpectedSamplesTotal,
    double StepSuccess,
    double StepFailure,
    double? StepNines,
    double WorkflowSuccess,
    double WorkflowFailure,
    double Log10WorkflowSuccess,
    double? WorkflowNines);
