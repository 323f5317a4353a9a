using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.AI;
using Nines.Agents.Patterns;
using Nines.Simulation;
using Nines.Workflows;

namespace Nines.Samples.MapReduce;

/// <summary>How the triage runs: which models, how many at once, and the quorum.</summary>
public sealed class TriageSettings
{
    /// <summary>The cheap model every review goes to first.</summary>
    public string PrimaryModel { get; set; } = "sim:p=0.3";

    /// <summary>The stronger model a review is escalated to after the cheap model's retries failed.</summary>
    public string EscalationModel { get; set; } = "sim:perfect";

    /// <summary>When true the stronger model is down: every escalated attempt fails.</summary>
    public bool EscalationOutage { get; set; }

    /// <summary>The share of reviews that must be labelled.</summary>
    public double MinSuccessRatio { get; set; } = 0.9;

    /// <summary>Seeds the simulated models; the same seed gives the same run.</summary>
    public int Seed { get; set; } = 3;

    /// <summary>Makes simulated latency pass faster than real time.</summary>
    public TimeProvider ModelTime { get; set; } = new ScaledTimeProvider(100);
}

/// <summary>
/// <c>triage-reviews</c>: label every review with a cheap model (bounded concurrency, two attempts each), escalate the
/// ones it cannot label to a stronger model, and tally the labels — or, when too few reviews got a label, return the
/// partial-failure report instead.
/// </summary>
[Workflow("triage-reviews")]
public sealed class ReviewTriageWorkflow(TriageSettings settings) : IWorkflow<List<Review>, TriageReport>
{
    // One simulated model per review and tier, seeded by the review's id: reviews run concurrently, and a shared
    // model would hand out its random draws in whatever order the scheduler picks. Real models need none of this.
    private readonly ConcurrentDictionary<string, IChatClient> _models = new();

    /// <inheritdoc />
    public async Task<TriageReport> RunAsync(WorkflowContext context, List<Review> input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var options = new MapReduceOptions<Review, ReviewLabel, Dictionary<string, int>>
        {
            Map = (review, ct) => LabelAsync(settings.PrimaryModel, review, ct),
            Escalate = (review, ct) => settings.EscalationOutage
                ? throw new HttpRequestException($"{settings.EscalationModel} is unavailable (503, simulated outage)")
                : LabelAsync(settings.EscalationModel, review, ct),
            Reduce = (outcomes, _) => Task.FromResult(outcomes
                .Where(o => o.Succeeded)
                .GroupBy(o => $"{o.Value!.Sentiment}/{o.Value.Topic}")
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count())),
            MaxConcurrency = 4,
            MinSuccessRatio = settings.MinSuccessRatio,
            ItemRetry = new StepOptions { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(50) },
            Describe = review => $"review #{review.Id}",
        };

        try
        {
            var result = await context.MapReduceAsync("triage", input, options).ConfigureAwait(false);
            return new TriageReport(true, result.Output, Rows(result.Items), result.Report.ToString());
        }
        catch (QuorumNotMetException ex)
        {
            // The tally would mislead with this many gaps: end the run with the report as its result instead.
            return new TriageReport(false, null, [], ex.Report.ToString());
        }
    }

    private static List<string> Rows(IReadOnlyList<ItemOutcome<Review, ReviewLabel>> outcomes) =>
    [
        .. outcomes.Select(o => string.Create(CultureInfo.InvariantCulture,
            $"#{o.Item.Id,-3} {(o.Succeeded ? $"{o.Value!.Sentiment}/{o.Value.Topic}" : "(no label)"),-18} {(o.Escalated ? "escalated" : "primary"),-10} {o.Attempts} attempt{(o.Attempts == 1 ? " " : "s")}  {(o.Succeeded && o.Value == o.Item.Expected ? "" : o.Succeeded ? "WRONG " : "")}{Short(o.Item.Text)}")),
    ];

    private static string Short(string text) => text.Length <= 44 ? text : text[..41] + "...";

    private async Task<ReviewLabel> LabelAsync(string model, Review review, CancellationToken cancellationToken)
    {
        var client = _models.GetOrAdd($"{model}#{review.Id}", _ => Nines.Models.ModelFactory.Create(model, new Nines.Models.ModelFactoryOptions
        {
            Seed = settings.Seed * 1000 + review.Id,
            TimeProvider = settings.ModelTime,
        }));

        // The simulated model answers right with its profile's probability; the task carries the right answer.
        var chat = new ChatOptions().WithSimulatedTask(new SimulatedTask(System.Text.Json.JsonSerializer.Serialize(review.Expected, ReviewJson.Options)));
        return await client.AskAsync(ReviewLabel.Prompt(review), ReviewLabel.Contract, chat, cancellationToken).ConfigureAwait(false);
    }
}
