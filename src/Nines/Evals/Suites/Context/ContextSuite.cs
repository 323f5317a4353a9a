using System.Globalization;
using Microsoft.Extensions.AI;
using Nines.Agents;
using Nines.Contracts;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Evals.Suites.Context;

/// <summary>
/// The <c>context</c> suite: an agent reads a long incident log with a tool, chunk by chunk, then must answer from the task
/// (the customer ticket) and a recent chunk (the final root cause), on a simulated model whose accuracy decays as its prompt
/// grows. <c>no-budget</c> sends the whole growing transcript; <c>budget</c> sets <see cref="AgentRunOptions.MaxContextTokens"/>.
/// </summary>
/// <remarks>
/// Both configurations make the same calls with the same simulated draws (common random numbers): the budget changes only
/// the prompt each call is sent, and so the accuracy the decay curve gives it. docs/evals-suites.md describes the suite.
/// </remarks>
internal static class ContextSuite
{
    /// <summary>The category of a trial whose answer named <see cref="ContextAgentChatClient.Unknown"/>: its prompt had lost a fact it needed.</summary>
    internal const string LostContext = "LostContext";

    /// <summary>The seed the incidents themselves are generated from.</summary>
    internal const int ScenarioSeed = 11;

    /// <summary>The default model: good (p = 0.95), full accuracy up to 2,000 prompt tokens, falling linearly to 30% of it at 32,000.</summary>
    internal const string DefaultModel = "sim:good,decay=2000:1/32000:0.3";

    public static EvalSuiteDefinition Definition { get; } = new()
    {
        Name = "context",
        Description = "A long tool loop (an incident log read chunk by chunk) on a model whose accuracy decays with prompt size: no context budget vs a per-call token budget that drops old tool output.",
        Parameters =
        [
            new("model", "Simulated model spec with an accuracy decay (halflife=<tokens> or decay=<tokens>:<multiplier>/...).", DefaultModel),
            new("cases", "How many incidents (cases); each runs --trials times per configuration.", "20"),
            new("chunks", "Log chunks per incident, each one tool call; at least 3.", "24"),
            new("chunk-tokens", "Approximate tokens per log chunk (characters / 4).", "1000"),
            new("budget", "MaxContextTokens of the budget configuration.", "6000"),
            new("speedup", "How many times faster than real time the simulated clock runs.", "50"),
        ],
        Create = Create,
    };

    /// <summary>Builds the suite from its arguments.</summary>
    /// <exception cref="ArgumentException">An argument is invalid; the message names the option.</exception>
    public static EvalSuite Create(EvalSuiteArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var model = arguments.Get("model");
        var profile = SuiteSimulation.ParseModel(model);
        var cases = SuiteSimulation.AtLeast(arguments.GetInt32("cases"), 1, "cases");
        var chunks = SuiteSimulation.AtLeast(arguments.GetInt32("chunks"), 3, "chunks");
        var chunkTokens = SuiteSimulation.AtLeast(arguments.GetInt32("chunk-tokens"), 50, "chunk-tokens");
        var budget = SuiteSimulation.AtLeast(arguments.GetInt32("budget"), 1, "budget");
        var time = SuiteSimulation.Clock(arguments.GetDouble("speedup"));

        var incidents = IncidentLog.Generate(cases, chunks, chunkTokens, ScenarioSeed);
        var pipelines = new Pipelines(profile, "sim:" + profile.Name, chunks);
        var decay = profile.AccuracyDecay?.ToString() ?? "no decay";
        return SuiteSimulation.WarmUp(new EvalSuite
        {
            Name = Definition.Name,
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"An agent reads {chunks} log chunks of about {chunkTokens} tokens each with a tool, then answers with the ticket named in its task and the root cause recorded in a recent chunk; model {model} (SIMULATED; accuracy {profile.Accuracy} × {decay} of prompt tokens). ") +
                "A trial passes when both are right. Both configurations make the same calls with the same draws; only the prompt each call is sent differs.",
            Cases = [.. incidents.Select(i => new EvalCase(i.Id, i, i.Truth))],
            Configurations =
            [
                new EvalConfiguration("no-budget", (context, ct) => pipelines.RunAsync(context, budget: null, ct), "AgentRunner without a context budget: every call is sent the whole transcript"),
                new EvalConfiguration(
                    "budget",
                    (context, ct) => pipelines.RunAsync(context, budget, ct),
                    string.Create(CultureInfo.InvariantCulture, $"AgentRunner with MaxContextTokens = {budget}: old tool results are dropped to placeholders, oldest first; instructions, task and latest turn are kept")),
            ],
            Scorer = Score,
            Trials = 10,
            MaxConcurrency = 32,
            Prices = new Dictionary<string, ModelPrice> { ["sim:" + profile.Name] = SuiteSimulation.SimulatedPrice },
            Time = time,
        });
    }

    /// <summary>Judges a trial's answer against the incident.</summary>
    internal static EvalScore Score(EvalCase evalCase, object? output, EvalTrialContext context)
    {
        var incident = (IncidentLog)evalCase.Input!;
        if (output is not ContextOutcome outcome)
        {
            return EvalScore.Fail(nameof(FailureCategory.Other), $"The pipeline returned {output?.GetType().Name ?? "null"}, not a context outcome.");
        }

        var metrics = new Dictionary<string, double>
        {
            ["model_calls"] = outcome.ModelCalls,
            ["reductions"] = outcome.Reductions,
            ["peak_prompt_tokens"] = outcome.PeakPromptTokens,
            ["final_accuracy"] = outcome.FinalAccuracy,
        };
        if (outcome.Answer is not { } answer)
        {
            var category = outcome.Failure != FailureCategory.None ? outcome.Failure.ToString() : outcome.StopReason.ToString();
            return EvalScore.Fail(category, outcome.Detail) with { Metrics = metrics };
        }

        if (answer.Ticket == incident.Ticket && answer.RootCause == incident.RootCause)
        {
            return EvalScore.Pass() with { Metrics = metrics };
        }

        var detail = $"answered ticket {answer.Ticket}, root cause {answer.RootCause}; right is {incident.Ticket}, {incident.RootCause}";
        return (answer.Ticket == ContextAgentChatClient.Unknown || answer.RootCause == ContextAgentChatClient.Unknown
            ? EvalScore.Fail(LostContext, detail)
            : EvalScore.Fail(nameof(FailureCategory.WrongAnswer), detail)) with { Metrics = metrics };
    }

    private sealed class Pipelines(SimulationProfile profile, string modelName, int chunks)
    {
        // Configured once and shared: Contract<T>.Check is thread-safe once configured.
        private readonly Contract<IncidentAnswer> _contract = new();

        public async ValueTask<object?> RunAsync(EvalTrialContext context, int? budget, CancellationToken cancellationToken)
        {
            var incident = (IncidentLog)context.Case.Input!;
            using var model = SuiteSimulation.CreateClient(context, profile, modelName);
            using var agent = new ContextAgentChatClient(model);
            var readLog = AIFunctionFactory.Create(
                (int chunk) => chunk >= 1 && chunk <= incident.Chunks.Count
                    ? incident.Chunks[chunk - 1]
                    : string.Create(CultureInfo.InvariantCulture, $"There is no chunk {chunk}; the log has chunks 1 to {incident.Chunks.Count}."),
                ContextAgentChatClient.ToolName,
                "Reads one chunk of the incident log; each chunk names the next.");
            var options = new AgentRunOptions
            {
                // Every chunk, the answer and two re-asks.
                MaxIterations = chunks + 3,
                MaxContextTokens = budget,
                TimeProvider = context.Time,
            };
            var runner = new AgentRunner(agent, options);
            var run = await runner.RunAsync(
                [new ChatMessage(ChatRole.System, IncidentLog.Instructions), new ChatMessage(ChatRole.User, incident.Task)],
                [readLog],
                _contract,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var failure = run.StopReason == AgentStopReason.ContractViolation && run.ContractAttempts.Count > 0 ? run.ContractAttempts[^1].Category : FailureCategory.None;
            return new ContextOutcome(
                run.Value, run.StopReason, run.Detail, failure, run.Iterations, run.ContextReductions.Count, agent.PeakPromptTokens, agent.LastAccuracy);
        }
    }
}
