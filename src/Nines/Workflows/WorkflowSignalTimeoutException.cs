namespace Nines.Workflows;

/// <summary>A wait for a signal timed out; journaled, so replay times out the same way.</summary>
public sealed class WorkflowSignalTimeoutException : WorkflowStepFailedException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowSignalTimeoutException(string signalName, DateTimeOffset deadline)
        : base(signalName, nameof(WorkflowSignalTimeoutException), $"no '{signalName}' signal arrived before {deadline:u}.")
    {
        SignalName = signalName;
        Deadline = deadline;
    }

    /// <summary>The signal waited for.</summary>
    public string SignalName { get; }

    /// <summary>When the wait gave up.</summary>
    public DateTimeOffset Deadline { get; }
}
