namespace Nines.Workflows;

/// <summary>A worker tried to write to a run whose lease another worker has since claimed; nothing was written.</summary>
/// <remarks>This is fencing at work: a paused or partitioned worker can never overwrite a run another worker took over.</remarks>
public sealed class WorkflowLeaseLostException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowLeaseLostException(string runId, long epoch, long? currentEpoch)
        : base($"Run '{runId}' is no longer leased at epoch {epoch}"
            + (currentEpoch is { } current ? $" (the store is at epoch {current})" : " (the run no longer exists)")
            + ": another worker took it over, so this worker's write was rejected. Nothing was written; this worker stops working on the run.")
    {
        RunId = runId;
        Epoch = epoch;
        CurrentEpoch = currentEpoch;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The epoch the write carried.</summary>
    public long Epoch { get; }

    /// <summary>The epoch the store holds, or null when the run is gone.</summary>
    public long? CurrentEpoch { get; }
}
