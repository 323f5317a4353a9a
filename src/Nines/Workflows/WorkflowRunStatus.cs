namespace Nines.Workflows;

/// <summary>Where a workflow run is in its life.</summary>
public enum WorkflowRunStatus
{
    /// <summary>Created (or released by a worker) and waiting for a worker to claim it.</summary>
    Pending,

    /// <summary>Claimed by a worker under a lease and executing.</summary>
    Running,

    /// <summary>Waiting durably for a timer, a signal or a child run; no worker holds it.</summary>
    Suspended,

    /// <summary>Finished with a result.</summary>
    Completed,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>Finished because someone cancelled it.</summary>
    Cancelled,

    /// <summary>Cannot run: no live worker has its workflow version registered. The reason says what to register.</summary>
    Blocked,
}
