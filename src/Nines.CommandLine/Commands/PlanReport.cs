namespace Nines.CommandLine.Commands;

/// <summary>Everything <c>nines plan</c> computes; printed as tables, or as JSON with <c>--json</c> (fields in docs/cli.md).</summary>
/// <remarks>
/// <see cref="Model"/> is always "two-outcome": each sample is right with probability p, else votes for one wrong
/// answer. <see cref="KMin"/> is the row of the smallest margin that meets <see cref="Target"/>; null without --target.
/// </remarks>
internal sealed record PlanReport(
    string Model,
    double PerSampleAccuracy,
    double PerSampleError,
    long Steps,
    double? Target,
    double Confidence,
    IReadOnlyList<MajorityOfNPlanRow> MajorityOfN,
    IReadOnlyList<AheadByKPlanRow> FirstToAheadByK,
    AheadByKPlanRow? KMin,
    IReadOnlyList<ZeroFailureTrialsPlanRow> ZeroFailureTrials);
