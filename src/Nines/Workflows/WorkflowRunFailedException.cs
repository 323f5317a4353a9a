namespace Nines.Workflows;

/// <summary>The run a client waited on failed or was cancelled.</summary>
public sealed class WorkflowRunFailedException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunFailedException(string runId, WorkflowRunStatus status, string? error)
        : base($"Run {runId} ended {status.ToString().ToLowerInvariant()}: {error ?? "no error recorded"}")
    {
        RunId = runId;
        Status = status;
        Error = error;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>How it ended.</summary>
    public WorkflowRunStatus Status { get; }

    /// <summary>The recorded error.</summary>
    public string? Error { get; }
}
