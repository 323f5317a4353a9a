namespace Nines.CommandLine.Commands;

/// <summary>One row of <c>nines plan</c>: majority voting over <see cref="N"/> samples per step.</summary>
internal sealed record MajorityOfNPlanRow(
    int N,
    double SamplesPerStep,
    double SamplesTotal,
    double StepSuccess,
    double StepFailure,
    double? StepNines,
    double WorkflowSuccess,
    double WorkflowFailure,
    double Log10WorkflowSuccess,
    double? WorkflowNines);
