namespace Nines.Workflows.Storage;

/// <summary>A filter for listing runs; newest first.</summary>
public sealed record WorkflowRunQuery
{
    /// <summary>Only runs in one of these statuses; null or empty for all.</summary>
    public IReadOnlyCollection<WorkflowRunStatus>? Statuses { get; init; }

    /// <summary>Only runs of this workflow.</summary>
    public string? Workflow { get; init; }

    /// <summary>Only children of this run.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only runs created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>At most this many runs.</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>Skip this many runs first.</summary>
    public int Offset { get; init; }
}
