namespace Nines.Evals;

/// <summary>What one <see cref="EvalRunner.RunAsync"/> produced: every finished trial's row, and whether the eval was interrupted.</summary>
public sealed class EvalRunResult
{
    /// <summary>The suite's name.</summary>
    public required string SuiteName { get; init; }

    /// <summary>The seed the trials' seeds derived from.</summary>
    public required long Seed { get; init; }

    /// <summary>Trials per case per configuration that were asked for.</summary>
    public required int Trials { get; init; }

    /// <summary>The names of the configurations that ran, in the suite's order.</summary>
    public required IReadOnlyList<string> Configurations { get; init; }

    /// <summary>Trials in all: configurations × cases × trials.</summary>
    public required int TotalTrials { get; init; }

    /// <summary>Every finished trial, sorted by configuration (suite order), case (suite order), then trial number.</summary>
    /// <remarks>When <see cref="Interrupted"/>, trials that were in flight are absent (they are neither passed nor failed).</remarks>
    public required IReadOnlyList<EvalTrialResult> Results { get; init; }

    /// <summary>True when the eval was stopped (cancelled) before every trial finished.</summary>
    public required bool Interrupted { get; init; }

    /// <summary>When the eval started (for a resumed journaled eval, when its run was first started).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When this run of the eval ended.</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>The journal's workflow run id, or null when the eval ran without a store.</summary>
    public string? RunId { get; init; }

    /// <summary>How many of <see cref="Results"/> were read from the journal of an earlier, interrupted run instead of run now.</summary>
    public int ResumedTrials { get; init; }
}
