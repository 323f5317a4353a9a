using Microsoft.Extensions.AI;
using Nines.Contracts;
using Nines.Workflows;

namespace Nines.Agents.Patterns;

/// <summary>
/// Orchestrator–workers inside a workflow: a planner model splits the input into subtasks (a typed contract), workers
/// run the subtasks in parallel, and a synthesiser model combines the workers' results once enough of them succeeded.
/// </summary>
/// <typeparam name="TInput">The task the orchestration is given.</typeparam>
/// <typeparam name="TSubtask">One subtask, as the planner writes it (its JSON schema is part of the planner's contract).</typeparam>
/// <typeparam name="TWorkerResult">What one worker returns (journaled as JSON).</typeparam>
/// <typeparam name="TOutput">What the synthesiser returns (its JSON schema is part of the synthesiser's contract).</typeparam>
/// <remarks>
/// Durability: the plan and the synthesis are journaled steps and each worker is a journaled map item (or a child
/// workflow), so a run resumed after a crash repeats no model call that had finished. Workers run in-process with
/// <see cref="Worker"/> (retries, escalation) or as child workflows with <see cref="UseChildWorkflow{TWorkflow}"/>
/// (their own journals; run in waves of <see cref="MaxConcurrency"/>).
/// </remarks>
public sealed class OrchestratorWorkersOptions<TInput, TSubtask, TWorkerResult, TOutput>
{
    private Contract<SubtaskPlan<TSubtask>>? _defaultPlanContract;

    /// <summary>The model that splits the task into subtasks.</summary>
    /// <value>Required; the default value is null.</value>
    public IChatClient? Planner { get; set; }

    /// <summary>The planner's prompt for an input; the reply must be a <see cref="SubtaskPlan{TSubtask}"/>.</summary>
    /// <value>Required; the default value is null.</value>
    public Func<TInput, string>? PlanPrompt { get; set; }

    /// <summary>The planner's contract; null uses the schema of <see cref="SubtaskPlan{TSubtask}"/> plus a rule that the plan has 1 to <see cref="MaxSubtasks"/> subtasks.</summary>
    /// <value>The default value is null.</value>
    public Contract<SubtaskPlan<TSubtask>>? PlanContract { get; set; }

    /// <summary>Chat options for the planner's call (model id, temperature); the response format is set from the contract.</summary>
    /// <value>The default value is null.</value>
    public ChatOptions? PlannerChatOptions { get; set; }

    /// <summary>Chat options for the synthesiser's call; the response format is set from the contract.</summary>
    /// <value>The default value is null.</value>
    public ChatOptions? SynthesizerChatOptions { get; set; }

    /// <summary>The most subtasks a plan may have; a longer (or empty) plan fails the plan step.</summary>
    /// <value>The default value is 16.</value>
    public int MaxSubtasks { get; set; } = 16;

    /// <summary>Runs one subtask in-process, e.g. a call to a worker model; journaled as a map item.</summary>
    /// <value>The default value is null; set it or call <see cref="UseChildWorkflow{TWorkflow}"/>.</value>
    public Func<TSubtask, CancellationToken, Task<TWorkerResult>>? Worker { get; set; }

    /// <summary>A stronger worker that runs once for a subtask after every attempt of <see cref="Worker"/> failed; null means no escalation.</summary>
    /// <value>The default value is null.</value>
    public Func<TSubtask, CancellationToken, Task<TWorkerResult>>? Escalate { get; set; }

    /// <summary>The model that combines the results; null uses <see cref="Planner"/>.</summary>
    /// <value>The default value is null.</value>
    public IChatClient? Synthesizer { get; set; }

    /// <summary>The synthesiser's prompt, given the input and every worker's outcome (failures included, in plan order).</summary>
    /// <value>Required; the default value is null.</value>
    public Func<TInput, IReadOnlyList<ItemOutcome<TSubtask, TWorkerResult>>, string>? SynthesisPrompt { get; set; }

    /// <summary>The synthesiser's contract; null uses the schema and DataAnnotations of <typeparamref name="TOutput"/>.</summary>
    /// <value>The default value is null.</value>
    public Contract<TOutput>? SynthesisContract { get; set; }

    /// <summary>At most this many workers run at once.</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>The share of subtasks that must succeed; below it the synthesiser is not called and <see cref="QuorumNotMetException"/> is thrown.</summary>
    /// <value>The default value is 1 (every subtask). A quorum of k of n is k/n.</value>
    public double MinSuccessRatio { get; set; } = 1;

    /// <summary>Retries of <see cref="Worker"/> for each subtask, before escalation.</summary>
    /// <value>The default value is null (one attempt).</value>
    public StepOptions? WorkerRetry { get; set; }

    /// <summary>Retries of the plan and synthesis steps (on top of their contracts' re-asks).</summary>
    /// <value>The default value is null (one attempt).</value>
    public StepOptions? ModelRetry { get; set; }

    /// <summary>Labels a subtask in the partial-failure report.</summary>
    /// <value>The default value is null (the subtask's <c>ToString()</c>).</value>
    public Func<TSubtask, string>? Describe { get; set; }

    internal Func<WorkflowContext, TSubtask, string, Task<TWorkerResult>>? ChildRunner { get; private set; }

    internal Contract<SubtaskPlan<TSubtask>> EffectivePlanContract => PlanContract ?? (_defaultPlanContract ??= new Contract<SubtaskPlan<TSubtask>>()
        .Require(p => p.Subtasks is { Count: > 0 } s && s.Count <= MaxSubtasks, $"the plan must have between 1 and {MaxSubtasks} subtasks"));

    /// <summary>Runs each subtask as a child run of <typeparamref name="TWorkflow"/> instead of <see cref="Worker"/>.</summary>
    /// <typeparam name="TWorkflow">The worker workflow, registered with the worker's registry.</typeparam>
    /// <returns>These options, for chaining.</returns>
    /// <remarks>
    /// Each child has its own journal, so a worker can take several steps. Children start in waves of
    /// <see cref="MaxConcurrency"/> (a wave finishes before the next starts, which keeps their journal positions stable);
    /// a failed or cancelled child counts as a failed subtask. Retries belong in the child's own steps; escalation is
    /// not available for children.
    /// </remarks>
    public OrchestratorWorkersOptions<TInput, TSubtask, TWorkerResult, TOutput> UseChildWorkflow<TWorkflow>()
        where TWorkflow : class, IWorkflow<TSubtask, TWorkerResult>
    {
        ChildRunner = (context, subtask, name) => context.RunChildAsync<TWorkflow, TSubtask, TWorkerResult>(subtask, name);
        return this;
    }

    internal void Validate(string name)
    {
        var problems = new List<string>();
        if (Planner is null)
        {
            problems.Add("Planner is not set; give the model that splits the task.");
        }

        if (PlanPrompt is null)
        {
            problems.Add("PlanPrompt is not set; give the planner's prompt for an input.");
        }

        if (SynthesisPrompt is null)
        {
            problems.Add("SynthesisPrompt is not set; give the synthesiser's prompt for the workers' outcomes.");
        }

        if (Worker is null && ChildRunner is null)
        {
            problems.Add("no worker: set Worker or call UseChildWorkflow<TWorkflow>().");
        }

        if (Worker is not null && ChildRunner is not null)
        {
            problems.Add("both Worker and UseChildWorkflow<TWorkflow>() are set; choose one.");
        }

        if (Escalate is not null && ChildRunner is not null)
        {
            problems.Add("Escalate works with Worker only, not with child workflows; put the fallback inside the child workflow.");
        }

        if (MaxSubtasks < 1)
        {
            problems.Add($"MaxSubtasks is {MaxSubtasks}; it must be at least 1.");
        }

        try
        {
            ToMapOptions().Validate(name);
        }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Orchestrator–workers options for '{name}' are invalid: {string.Join(" ", problems)}");
        }

        ModelRetry?.Validate(name);
    }

    internal MapOptions ToMapOptions() => new() { MaxConcurrency = MaxConcurrency, MinSuccessRatio = MinSuccessRatio, ItemOptions = WorkerRetry };
}
