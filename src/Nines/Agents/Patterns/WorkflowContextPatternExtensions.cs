using Nines.Workflows;

namespace Nines.Agents.Patterns;

/// <summary>Multi-agent patterns as durable workflow calls: orchestrator–workers and map–reduce.</summary>
/// <remarks>
/// Each pattern is a fixed sequence of context calls, so it takes the same journal positions on every replay. Call it
/// from a workflow's <c>RunAsync</c>, never from a step body.
/// </remarks>
public static class WorkflowContextPatternExtensions
{
    /// <summary>
    /// Maps every item (bounded concurrency, retries, then one escalated attempt), checks the quorum, and reduces.
    /// Journaled as a map <c>&lt;name&gt;.map</c> (one entry per item) and a step <c>&lt;name&gt;.reduce</c>.
    /// </summary>
    /// <param name="context">The workflow context.</param>
    /// <param name="name">The pattern's name in the journal and in the report.</param>
    /// <param name="items">The items to map.</param>
    /// <param name="options">The handlers, the quorum and the limits; validated before anything runs.</param>
    /// <returns>The reduced output, every item's outcome and the report of failures and escalations.</returns>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    /// <exception cref="QuorumNotMetException">Fewer items succeeded than <see cref="MapReduceOptions{TItem, TMapped, TOutput}.MinSuccessRatio"/>; the reduce did not run.</exception>
    /// <exception cref="WorkflowStepFailedException">The reduce step failed.</exception>
    public static async Task<MapReduceResult<TItem, TMapped, TOutput>> MapReduceAsync<TItem, TMapped, TOutput>(
        this WorkflowContext context, string name, IReadOnlyList<TItem> items, MapReduceOptions<TItem, TMapped, TOutput> options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(name);

        var (mapped, _) = await context.MapCoreAsync(name + PatternSteps.MapSuffix, items, options.Map!, options.Escalate, options.ToMapOptions()).ConfigureAwait(false);
        var outcomes = Outcomes(mapped, items);
        var report = PartialFailureReport.From(name, outcomes, options.MinSuccessRatio, options.Describe);
        if (!report.QuorumMet)
        {
            throw new QuorumNotMetException(report);
        }

        var output = await context.StepAsync(name + PatternSteps.ReduceSuffix, ct => options.Reduce!(outcomes, ct), options.ReduceRetry).ConfigureAwait(false);
        return new MapReduceResult<TItem, TMapped, TOutput>(output, outcomes, report);
    }

    /// <summary>
    /// Plans with the planner model, runs the subtasks on workers in parallel, checks the quorum, and synthesises with
    /// the synthesiser model. Journaled as a step <c>&lt;name&gt;.plan</c>, then a map <c>&lt;name&gt;.workers</c>
    /// (or one child run per subtask), then a step <c>&lt;name&gt;.synthesize</c>.
    /// </summary>
    /// <param name="context">The workflow context.</param>
    /// <param name="name">The pattern's name in the journal and in the report.</param>
    /// <param name="input">The task to split.</param>
    /// <param name="options">The models, the workers, the quorum and the limits; validated before anything runs.</param>
    /// <returns>The plan, every worker's outcome, the synthesised output and the report of failures and escalations.</returns>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    /// <exception cref="QuorumNotMetException">Fewer subtasks succeeded than <see cref="OrchestratorWorkersOptions{TInput, TSubtask, TWorkerResult, TOutput}.MinSuccessRatio"/>; the synthesiser was not called.</exception>
    /// <exception cref="WorkflowStepFailedException">The plan or the synthesis failed (e.g. no reply met its contract).</exception>
    public static async Task<OrchestrationResult<TSubtask, TWorkerResult, TOutput>> OrchestrateAsync<TInput, TSubtask, TWorkerResult, TOutput>(
        this WorkflowContext context, string name, TInput input, OrchestratorWorkersOptions<TInput, TSubtask, TWorkerResult, TOutput> options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(name);

        var plan = await context.StepAsync(name + PatternSteps.PlanSuffix, async ct =>
        {
            var reply = await options.Planner!.AskAsync(options.PlanPrompt!(input), options.EffectivePlanContract, options.PlannerChatOptions, ct).ConfigureAwait(false);
            var subtasks = reply.Subtasks ?? [];

            // A caller's own contract may not bound the plan; an unbounded fan-out is a cost incident, so check here too.
            return subtasks.Count is > 0 && subtasks.Count <= options.MaxSubtasks
                ? subtasks
                : throw new InvalidOperationException($"The planner returned {subtasks.Count} subtasks; between 1 and {options.MaxSubtasks} (MaxSubtasks) are allowed. Tighten the plan prompt or raise MaxSubtasks.");
        }, options.ModelRetry).ConfigureAwait(false);

        IReadOnlyList<ItemOutcome<TSubtask, TWorkerResult>> outcomes;
        if (options.ChildRunner is { } runChild)
        {
            outcomes = await RunChildrenAsync(context, name + PatternSteps.WorkersSuffix, plan, runChild, options.MaxConcurrency).ConfigureAwait(false);
        }
        else
        {
            var (mapped, _) = await context.MapCoreAsync(name + PatternSteps.WorkersSuffix, plan, options.Worker!, options.Escalate, options.ToMapOptions()).ConfigureAwait(false);
            outcomes = Outcomes(mapped, plan);
        }

        var report = PartialFailureReport.From(name, outcomes, options.MinSuccessRatio, options.Describe);
        if (!report.QuorumMet)
        {
            throw new QuorumNotMetException(report);
        }

        var synthesizer = options.Synthesizer ?? options.Planner!;
        var output = await context.StepAsync(
            name + PatternSteps.SynthesizeSuffix,
            ct => synthesizer.AskAsync(options.SynthesisPrompt!(input, outcomes), options.SynthesisContract, options.SynthesizerChatOptions, ct),
            options.ModelRetry).ConfigureAwait(false);
        return new OrchestrationResult<TSubtask, TWorkerResult, TOutput>(plan, outcomes, output, report);
    }

    private static async Task<IReadOnlyList<ItemOutcome<TSubtask, TResult>>> RunChildrenAsync<TSubtask, TResult>(
        WorkflowContext context, string name, IReadOnlyList<TSubtask> subtasks, Func<WorkflowContext, TSubtask, string, Task<TResult>> runChild, int maxConcurrency)
    {
        var outcomes = new ItemOutcome<TSubtask, TResult>[subtasks.Count];
        for (var start = 0; start < subtasks.Count; start += maxConcurrency)
        {
            // A wave's children are started in index order (ToList), so each takes the same journal position on replay;
            // while any of them runs the parent suspends, so the next wave starts only after this one has finished.
            var wave = Enumerable.Range(start, Math.Min(maxConcurrency, subtasks.Count - start)).Select(async i =>
            {
                try
                {
                    var value = await runChild(context, subtasks[i], $"{name}[{i}]").ConfigureAwait(false);
                    outcomes[i] = new ItemOutcome<TSubtask, TResult>(i, subtasks[i], true, value, null);
                }
                catch (WorkflowStepFailedException ex)
                {
                    outcomes[i] = new ItemOutcome<TSubtask, TResult>(i, subtasks[i], false, default, ex.Message);
                }
            }).ToList();
            await Task.WhenAll(wave).ConfigureAwait(false);
        }

        return outcomes;
    }

    private static List<ItemOutcome<TItem, TResult>> Outcomes<TItem, TResult>(MapResult<TResult> mapped, IReadOnlyList<TItem> items) =>
    [
        .. mapped.Items.Select(r => new ItemOutcome<TItem, TResult>(r.Index, items[r.Index], r.Succeeded, r.Value, r.Error)
        {
            Attempts = r.Attempts,
            Escalated = r.Escalated,
            PrimaryError = r.PrimaryError,
        }),
    ];
}
