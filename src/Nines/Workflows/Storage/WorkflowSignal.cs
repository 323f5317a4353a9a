namespace Nines.Workflows.Storage;

/// <summary>A signal sent to a run; consumed exactly once, in the order sent.</summary>
public sealed record WorkflowSignal
{
    /// <summary>The store's sequence number: signals to one run are consumed in this order.</summary>
    public required long Sequence { get; init; }

    /// <summary>The run the signal was sent to.</summary>
    public required string RunId { get; init; }

    /// <summary>The signal name the workflow waits for.</summary>
    public required string Name { get; init; }

    /// <summary>The payload as JSON.</summary>
    public required string PayloadJson { get; init; }

    /// <summary>When the signal was sent.</summary>
    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When a wait consumed it, or null while it is pending.</summary>
    public DateTimeOffset? ConsumedAt { get; init; }

    /// <summary>The journal position of the wait that consumed it.</summary>
    public int? ConsumedPosition { get; init; }
}
