namespace Nines.Workflows.Storage;

/// <summary>What a store needs to create a run.</summary>
public sealed record NewWorkflowRun
{
    /// <summary>The run id; creating an existing id returns the existing run.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow name.</summary>
    public required string Workflow { get; init; }

    /// <summary>The workflow version.</summary>
    public required int Version { get; init; }

    /// <summary>The input as JSON.</summary>
    public string? InputJson { get; init; }

    /// <summary>The parent run when this is a child run.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The creation time (from the engine's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
