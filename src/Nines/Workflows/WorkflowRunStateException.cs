namespace Nines.Workflows;

/// <summary>The run is in a state that does not allow the operation (signalling a finished run, starting an id taken by another workflow).</summary>
public sealed class WorkflowRunStateException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunStateException(string runId, WorkflowRunStatus status, string message)
        : base(message)
    {
        RunId = runId;
        Status = status;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>Its status.</summary>
    public WorkflowRunStatus Status { get; }
}
