namespace Nines.CommandLine.Commands;

/// <summary>One row of <c>nines plan</c>: failure-free trials needed to claim <see cref="Nines"/> nines.</summary>
internal sealed record ZeroFailureTrialsPlanRow(double Nines, double SuccessRate, double Confidence, long Trials);
