namespace Nines.Workflows.Storage;

/// <summary>A worker asking for runnable runs.</summary>
public sealed record WorkflowClaimRequest
{
    /// <summary>The worker's id; becomes the lease owner.</summary>
    public required string WorkerId { get; init; }

    /// <summary>At most this many runs are claimed.</summary>
    public required int MaxRuns { get; init; }

    /// <summary>The lease length: <see cref="Now"/> plus this is the lease expiry.</summary>
    public required TimeSpan LeaseDuration { get; init; }

    /// <summary>The current time (from the engine's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Only runs of these workflow versions are claimed.</summary>
    public required IReadOnlyCollection<WorkflowVersionKey> Registrations { get; init; }
}
