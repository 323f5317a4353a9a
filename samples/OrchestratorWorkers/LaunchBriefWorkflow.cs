using Microsoft.Extensions.AI;
using Nines.Agents.Patterns;
using Nines.Simulation;
using Nines.Workflows;

namespace Nines.Samples.OrchestratorWorkers;

/// <summary>Which simulated models play which role, and the quorum.</summary>
public sealed class BriefSettings
{
    /// <summary>The planner's and the synthesiser's model.</summary>
    public string LeadModel { get; set; } = "perfect";

    /// <summary>The workers' model.</summary>
    public string WorkerModel { get; set; } = "p=0.3,wrong=0";

    /// <summary>The model a subtask is escalated to after the worker's retries failed; null for no escalation.</summary>
    public string? EscalationModel { get; set; } = "perfect";

    /// <summary>The share of subtasks that must succeed before the synthesiser is called.</summary>
    public double MinSuccessRatio { get; set; } = 0.8;

    /// <summary>Seeds the simulated models; the same seed gives the same run.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Makes simulated latency pass faster than real time.</summary>
    public TimeProvider ModelTime { get; set; } = new ScaledTimeProvider(100);
}

/// <summary>What the workflow returns: the brief, or why there is none.</summary>
/// <param name="Brief">The synthesised brief when the quorum was met.</param>
/// <param name="Plan">The subtasks the planner produced (empty when the quorum was missed).</param>
/// <param name="Workers">One line per subtask: topic, who answered, attempts.</param>
/// <param name="Report">The partial-failure report.</param>
public sealed record BriefResult(LaunchBrief? Brief, List<Subtask> Plan, List<string> Workers, string Report);

/// <summary>
/// <c>launch-brief</c>: a lead model plans the research, worker models answer the subtasks in parallel (escalating to a
/// stronger model when they fail twice), and the lead model writes the brief — if at least 80% of the subtasks were answered.
/// </summary>
[Workflow("launch-brief")]
public sealed class LaunchBriefWorkflow(BriefSettings settings, ModelPool models) : IWorkflow<string, BriefResult>
{

    /// <inheritdoc />
    public async Task<BriefResult> RunAsync(WorkflowContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lead = models.Get("lead", settings.LeadModel, 0);
        var options = new OrchestratorWorkersOptions<string, Subtask, Finding, LaunchBrief>
        {
            Planner = lead,
            PlanPrompt = Research.PlanPrompt,
            MaxSubtasks = 8,
            Worker = (subtask, ct) => models.Get("worker", settings.WorkerModel, subtask.Id).AskAsync(Research.WorkerPrompt(subtask), Research.FindingContract, cancellationToken: ct),
            Escalate = settings.EscalationModel is { } strong
                ? (subtask, ct) => models.Get("escalation", strong, subtask.Id).AskAsync(Research.WorkerPrompt(subtask), Research.FindingContract, cancellationToken: ct)
                : null,
            Synthesizer = lead,
            SynthesisPrompt = (product, outcomes) => Research.SynthesisPrompt(product, outcomes.Select(o => (o.Item.Topic, o.Succeeded ? o.Value!.Text : null))),
            MaxConcurrency = 3,
            MinSuccessRatio = settings.MinSuccessRatio,
            WorkerRetry = new StepOptions { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(50) },
            Describe = s => s.Topic,
        };

        try
        {
            var result = await context.OrchestrateAsync("brief", input, options).ConfigureAwait(false);
            return new BriefResult(result.Output, [.. result.Plan], [.. result.Workers.Select(Describe)], result.Report.ToString());
        }
        catch (QuorumNotMetException ex)
        {
            return new BriefResult(null, [], [], ex.Report.ToString());
        }
    }

    private static string Describe(ItemOutcome<Subtask, Finding> o) =>
        $"{o.Item.Id}. {o.Item.Topic,-12} {(o.Succeeded ? o.Escalated ? "escalated" : "worker" : "FAILED"),-10} {o.Attempts} attempt{(o.Attempts == 1 ? " " : "s")}  {(o.Succeeded ? Short(o.Value!.Text) : "")}";

    private static string Short(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
