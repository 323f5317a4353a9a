using Nines.Workflows;

namespace Nines.Agents.Patterns;

/// <summary>
/// Fewer items (or subtasks) succeeded than the pattern's minimum success ratio; <see cref="Report"/> says which failed
/// and why. The reduce or synthesis step did not run.
/// </summary>
/// <remarks>
/// It derives from <see cref="WorkflowStepFailedException"/>: left uncaught, it fails the run with the report in the
/// run's error. Catch it to end the run with a result of your own that carries the report.
/// </remarks>
public sealed class QuorumNotMetException : WorkflowStepFailedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="report">The partial-failure report.</param>
    public QuorumNotMetException(PartialFailureReport report)
        : base(report?.Stage ?? "fan-out", nameof(QuorumNotMetException), Describe(report))
    {
        Report = report!;
    }

    /// <summary>Which items failed and why, which were escalated, and the counts.</summary>
    public PartialFailureReport Report { get; }

    private static string Describe(PartialFailureReport? report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return "quorum not met. " + report;
    }
}
