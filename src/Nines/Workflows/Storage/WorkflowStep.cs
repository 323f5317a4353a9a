namespace Nines.Workflows.Storage;

/// <summary>One journal entry: a context call of a run at a position.</summary>
public sealed record WorkflowStep
{
    /// <summary>The run the entry belongs to.</summary>
    public required string RunId { get; init; }

    /// <summary>The position of the context call in the run (0, 1, 2, …).</summary>
    public required int Position { get; init; }

    /// <summary>The item index inside a map step at <see cref="Position"/>, or -1 for an entry that is not a map item.</summary>
    public int Item { get; init; } = -1;

    /// <summary>The step name the code gave.</summary>
    public required string Name { get; init; }

    /// <summary>The kind of context call.</summary>
    public required StepKind Kind { get; init; }

    /// <summary>Started, completed or failed.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>The result as JSON once completed.</summary>
    public string? OutputJson { get; init; }

    /// <summary>The error message once failed.</summary>
    public string? Error { get; init; }

    /// <summary>The .NET type name of the error once failed.</summary>
    public string? ErrorType { get; init; }

    /// <summary>How many times the step body ran (retries included).</summary>
    public int Attempts { get; init; }

    /// <summary>The idempotency key of an effect.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>When a timer fires or a wait times out.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>When the entry was first written or the step began.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the step finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
