using Nines.Contracts;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Evals.Suites.Invoices;

/// <summary>
/// The <c>invoices</c> suite: typed extraction of invoices (fields, line items, total) on a <c>sim:</c> model under chaos,
/// one bare call against resilience + a semantic contract + first-to-ahead-by-k voting.
/// </summary>
internal static class InvoicesSuite
{
    /// <summary>The seed the invoices themselves are generated from: the data set stays the same whatever the trial seeds.</summary>
    internal const int ScenarioSeed = 42;

    public static EvalSuiteDefinition Definition { get; } = new()
    {
        Name = "invoices",
        Description = "Invoice extraction (fields, lines, total; lines add up, dates valid, currency known) on a simulated model under chaos: one bare call vs resilience + contract + voting.",
        Parameters =
        [
            new("model", "Simulated model spec (sim:good, sim:fair, sim:p=0.9, ...).", "sim:good"),
            new("chaos", "Chaos profile: flaky-provider, bad-json, outage, rate-limited, none, or a JSON file.", "flaky-provider"),
            new("cases", "How many invoices (cases); each runs --trials times per configuration.", "50"),
            new("k", "Margin of first-to-ahead-by-k voting in the hardened configuration.", "2"),
            new("speedup", "How many times faster than real time the simulated clock runs (latency, Retry-After, timeouts).", "50"),
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
        var chaos = SuiteSimulation.LoadChaos(arguments.Get("chaos"));
        var cases = SuiteSimulation.AtLeast(arguments.GetInt32("cases"), 1, "cases");
        var k = SuiteSimulation.AtLeast(arguments.GetInt32("k"), 1, "k");
        var time = SuiteSimulation.Clock(arguments.GetDouble("speedup"));

        var scenario = new InvoiceScenario(cases, ScenarioSeed);
        var pipelines = new Pipelines(profile, "sim:" + profile.Name, scenario, k);
        return SuiteSimulation.WarmUp(new EvalSuite
        {
            Name = Definition.Name,
            Description =
                $"Extract {cases} invoices (number, vendor, date, currency, lines, total) from text with model {model} (SIMULATED) under chaos " +
                $"profile '{chaos.Name}'. A trial passes when the extracted invoice equals the truth; the scorer names what went wrong " +
                "(malformed JSON, schema, semantic rule, wrong value, or the exception: timeout, rate limit, ...).",
            Cases = [.. scenario.Cases.Select(c => new EvalCase(c.Truth.Number, c, c.Truth))],
            Configurations =
            [
                new EvalConfiguration("baseline", pipelines.BaselineAsync, "one bare call, no checks; the reply is used as it comes", chaos),
                new EvalConfiguration(
                    "hardened",
                    pipelines.HardenedAsync,
                    $"resilience (retries, timeouts) + contract (schema, lines add up, date, currency) + first-to-ahead-by-{k} voting",
                    chaos),
            ],
            Scorer = pipelines.Score,
            Trials = 20,
            MaxConcurrency = 32,
            Prices = new Dictionary<string, ModelPrice> { ["sim:" + profile.Name] = SuiteSimulation.SimulatedPrice },
            Time = time,
        });
    }

    /// <summary>The two configurations' targets and the scorer. Each trial builds its own pipeline on its own simulated
    /// model, seeded from the trial, so trial t meets the same model draws and faults under both configurations.</summary>
    private sealed class Pipelines(SimulationProfile profile, string modelName, InvoiceScenario scenario, int k)
    {
        // Configured once and shared: Contract<T>.Check is thread-safe once configured.
        private readonly Contract<Invoice> _contract = InvoiceExtraction.CreateContract();

        public async ValueTask<object?> BaselineAsync(EvalTrialContext context, CancellationToken cancellationToken)
        {
            using var client = SuiteSimulation.CreateClient(context, profile, modelName);
            return await InvoiceExtraction.BareAsync(client, scenario, (InvoiceCase)context.Case.Input!, _contract, context.Time, cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask<object?> HardenedAsync(EvalTrialContext context, CancellationToken cancellationToken)
        {
            using var client = SuiteSimulation.CreateClient(context, profile, modelName, (builder, seed) => builder.UseInvoiceResilience(context.Time, seed));

            // One sample at a time: the simulated model numbers its draws in call order, so sequential samples make a
            // trial's outcome a function of its seed alone. (In production, sample in parallel; the vote is the same.)
            return await InvoiceExtraction.HardenedAsync(client, scenario, (InvoiceCase)context.Case.Input!, _contract, k, maxParallelism: 1, cancellationToken)
                .ConfigureAwait(false);
        }

        public EvalScore Score(EvalCase evalCase, object? output, EvalTrialContext context)
        {
            var category = InvoiceExtraction.Grade(output, (Invoice)evalCase.Expected!, _contract, out var detail);
            return category == FailureCategory.None ? EvalScore.Pass() : EvalScore.Fail(category.ToString(), detail);
        }
    }
}
