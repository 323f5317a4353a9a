namespace Nines.Workflows.Storage;

/// <summary>One workflow run as the store holds it.</summary>
public sealed record WorkflowRun
{
    /// <summary>The run id: caller-chosen or generated; unique in the store.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow name from <see cref="WorkflowAttribute"/>.</summary>
    public required string Workflow { get; init; }

    /// <summary>The workflow version the run started with; it keeps it for life.</summary>
    public required int Version { get; init; }

    /// <summary>Where the run is.</summary>
    public required WorkflowRunStatus Status { get; init; }

    /// <summary>The input as JSON.</summary>
    public string? InputJson { get; init; }

    /// <summary>The result as JSON once <see cref="WorkflowRunStatus.Completed"/>.</summary>
    public string? OutputJson { get; init; }

    /// <summary>Why the run failed, was cancelled or is blocked.</summary>
    public string? Error { get; init; }

    /// <summary>The run that started this one as a child, if any.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>When the run was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the run last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the run finished, if it has.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When a suspended run becomes runnable again (timer due, signal arrived, child finished).</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>What a suspended run waits for, for people: <c>signal:approval</c>, <c>timer</c>, <c>child:&lt;id&gt;</c>.</summary>
    public string? WaitingFor { get; init; }

    /// <summary>The worker holding the lease, if any.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>The lease epoch: incremented by every claim; journal writes must carry the current one.</summary>
    public long LeaseEpoch { get; init; }

    /// <summary>When the current lease runs out unless renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>True once someone asked to cancel the run.</summary>
    public bool CancelRequested { get; init; }
}
