using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Consensus;
using Nines.Contracts;
using Nines.Evals;
using Nines.Simulation;

namespace Nines.Samples.EvalSuiteSample;

/// <summary>
/// An eval suite as a user's app would write one: "what is the capital of X?" asked of a simulated model, once
/// (<c>single</c>) or with first-to-ahead-by-k voting under a contract (<c>voted</c>). The model is a <c>sim:</c> model, so
/// the right answer is known and the run needs no API key; swap in a real <see cref="IChatClient"/> to measure a real one.
/// </summary>
public static class CapitalsSuite
{
    /// <summary>The suite's name on the command line.</summary>
    public const string Name = "capitals";

    private static readonly (string Country, string Capital)[] _countries =
    [
        ("France", "Paris"), ("Japan", "Tokyo"), ("Kenya", "Nairobi"), ("Peru", "Lima"), ("Canada", "Ottawa"),
        ("Australia", "Canberra"), ("Norway", "Oslo"), ("Egypt", "Cairo"), ("Chile", "Santiago"), ("Vietnam", "Hanoi"),
    ];

    /// <summary>What <c>eval capitals</c> runs; <c>--model</c> and <c>--k</c> are this suite's own options.</summary>
    public static EvalSuiteDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Capital cities from a simulated model: one call vs first-to-ahead-by-k voting.",
        Parameters =
        [
            new EvalSuiteParameter("model", "The simulated model profile: perfect, good, fair, weak, coin or p=<accuracy>.", "fair"),
            new EvalSuiteParameter("k", "The voting margin of the 'voted' configuration.", "2"),
        ],
        Create = Create,
    };

    /// <summary>Builds the suite for the given options.</summary>
    public static EvalSuite Create(EvalSuiteArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var profile = SimulationProfile.Parse(arguments.Get("model"));
        var k = arguments.GetInt32("k");
        if (k < 1)
        {
            throw new ArgumentException($"--k must be at least 1 (got {k}).");
        }

        // Simulated latency runs 1000x faster than real time; the report shows it in simulated time.
        var time = new ScaledTimeProvider(1000);
        var model = "sim:" + profile.Name;
        return new EvalSuite
        {
            Name = Name,
            Description = Definition.Description,
            Cases = [.. _countries.Select(c => new EvalCase(c.Country.ToLowerInvariant(), input: c.Country, expected: c.Capital))],
            Configurations =
            [
                new EvalConfiguration("single", (context, ct) => AskOnceAsync(context, profile, model, time, ct), $"one call to {model}"),
                new EvalConfiguration("voted", (context, ct) => VoteAsync(context, profile, model, time, k, ct), $"first-to-ahead-by-{k} votes of {model} under a contract"),
            ],
            Scorer = Score,
            Trials = 50,
            MaxConcurrency = 16,
            Time = time,
            Prices = new Dictionary<string, ModelPrice> { [model] = new(InputPerMillion: 0.15m, OutputPerMillion: 0.60m) },
        };
    }

    private static async ValueTask<object?> AskOnceAsync(EvalTrialContext context, SimulationProfile profile, string model, TimeProvider time, CancellationToken cancellationToken)
    {
        using var client = Model(context, profile, model, time);
        var response = await client.GetResponseAsync(Prompt(context), Options(context), cancellationToken).ConfigureAwait(false);
        var check = new Contract<Capital>().Check(response);
        return check.IsValid ? check.Value!.City : check;
    }

    private static async ValueTask<object?> VoteAsync(EvalTrialContext context, SimulationProfile profile, string model, TimeProvider time, int k, CancellationToken cancellationToken)
    {
        using var client = Model(context, profile, model, time);
        var vote = await client.VoteAsync(
            Prompt(context),
            // One sample at a time: with samples in parallel, which reply arrives first depends on timers, and the vote with it.
            new ConsensusOptions { Mode = ConsensusMode.FirstToAheadByK, K = k, MaxSamples = 8 * k, MaxParallelism = 1 },
            new Contract<Capital>(),
            Options(context),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return vote.Winner.City;
    }

    private static EvalScore Score(EvalCase evalCase, object? output, EvalTrialContext context) => output switch
    {
        string city when city == (string)evalCase.Expected! => EvalScore.Pass(),
        string city => EvalScore.Fail("WrongAnswer", $"said {city}, expected {evalCase.Expected}"),
        ContractCheck<Capital> check => EvalScore.Fail(check.Category.ToString(), string.Join("; ", check.Errors)),
        _ => EvalScore.Fail("NoAnswer"),
    };

    // One simulated model per trial, seeded with the trial's seed: the same seed gives the same answers whatever the
    // order trials run in, and trial t of a case meets the same model under both configurations.
    private static IChatClient Model(EvalTrialContext context, SimulationProfile profile, string model, TimeProvider time) =>
        new SimulatedChatClient(profile, new SimulationOptions { Seed = unchecked((int)context.Seed), TimeProvider = time })
            .AsBuilder()
            .UseEvalUsage(context, model)
            .Build();

    private static string Prompt(EvalTrialContext context) =>
        $"What is the capital of {context.Case.Input}? Reply with JSON: {{\"city\": \"...\"}}.";

    private static ChatOptions Options(EvalTrialContext context) =>
        new ChatOptions().WithSimulatedTask(new SimulatedTask(JsonSerializer.Serialize(new Capital((string)context.Case.Expected!), JsonSerializerOptions.Web)));
}
