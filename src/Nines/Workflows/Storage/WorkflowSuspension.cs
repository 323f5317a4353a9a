namespace Nines.Workflows.Storage;

/// <summary>Why and until when a run suspends.</summary>
public sealed record WorkflowSuspension
{
    /// <summary>When the run becomes runnable again on its own (a timer, a wait's timeout); null to wait only for a wake-up.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>What the run waits for, for people: <c>signal:approval</c>, <c>timer</c>, <c>child:&lt;id&gt;</c>.</summary>
    public required string WaitingFor { get; init; }

    /// <summary>The signal the run waits for: if one with this name is already pending, the store makes the run runnable at once.</summary>
    public string? SignalName { get; init; }

    /// <summary>The child run the run waits for: if it has already finished, the store makes the run runnable at once.</summary>
    public string? ChildRunId { get; init; }

    /// <summary>The current time.</summary>
    public required DateTimeOffset Now { get; init; }
}
