namespace Nines.Agents.Patterns;

/// <summary>What an orchestration produced: the plan, every worker's outcome, the synthesised output and the report.</summary>
/// <typeparam name="TSubtask">The subtask type.</typeparam>
/// <typeparam name="TWorkerResult">What one worker returns.</typeparam>
/// <typeparam name="TOutput">What the synthesiser returns.</typeparam>
public sealed class OrchestrationResult<TSubtask, TWorkerResult, TOutput>
{
    internal OrchestrationResult(IReadOnlyList<TSubtask> plan, IReadOnlyList<ItemOutcome<TSubtask, TWorkerResult>> workers, TOutput output, PartialFailureReport report)
    {
        Plan = plan;
        Workers = workers;
        Output = output;
        Report = report;
    }

    /// <summary>The subtasks the planner produced.</summary>
    public IReadOnlyList<TSubtask> Plan { get; }

    /// <summary>Every worker's outcome, in plan order.</summary>
    public IReadOnlyList<ItemOutcome<TSubtask, TWorkerResult>> Workers { get; }

    /// <summary>The synthesiser's output.</summary>
    public TOutput Output { get; }

    /// <summary>The workers that failed or were escalated (the quorum was met, or there would be no result).</summary>
    public PartialFailureReport Report { get; }
}
