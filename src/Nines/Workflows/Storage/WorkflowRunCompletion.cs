namespace Nines.Workflows.Storage;

/// <summary>How a run ended.</summary>
public sealed record WorkflowRunCompletion
{
    /// <summary><see cref="WorkflowRunStatus.Completed"/>, <see cref="WorkflowRunStatus.Failed"/> or <see cref="WorkflowRunStatus.Cancelled"/>.</summary>
    public required WorkflowRunStatus Status { get; init; }

    /// <summary>The result as JSON when completed.</summary>
    public string? OutputJson { get; init; }

    /// <summary>The error when failed or cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>The current time.</summary>
    public required DateTimeOffset Now { get; init; }
}
