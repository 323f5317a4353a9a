using System.CommandLine;
using System.Text.Json;
using Nines.CommandLine.Demo;
using Nines.CommandLine.Rendering;
using Nines.Models;
using static System.FormattableString;

namespace Nines.CommandLine.Commands;

/// <summary>
/// <c>nines demo</c>: the march of nines in one command. The same invoice-extraction tasks run on a simulated model
/// under chaos, through a bare pipeline and a hardened one, and the table shows what each achieved.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);

        var calls = new Option<int>("--calls") { Description = "Extraction tasks per pipeline (at least 1).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed for the invoices, the simulated model and the chaos.", DefaultValueFactory = _ => 42 };
        var concurrency = new Option<int>("--concurrency") { Description = "Tasks in flight at once.", DefaultValueFactory = _ => 32 };
        var model = new Option<string>("--model") { Description = "Simulated model spec (sim:good, sim:fair, sim:p=0.9, ...).", DefaultValueFactory = _ => "sim:good" };
        var chaos = new Option<string>("--chaos") { Description = "Chaos profile: a built-in name (flaky-provider, bad-json, outage, rate-limited, none) or a JSON file.", DefaultValueFactory = _ => "flaky-provider" };
        var k = new Option<int>("--k") { Description = "Margin for first-to-ahead-by-k voting in the hardened pipeline.", DefaultValueFactory = _ => 2 };
        var speedup = new Option<double>("--speedup") { Description = "How many times faster than real time the simulated clock runs (latency, Retry-After, timeouts).", DefaultValueFactory = _ => 200 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of tables." };

        var command = new Command(
            "demo",
            "Run invoice extraction on a simulated model under the flaky-provider chaos profile, through a bare pipeline and a " +
            "hardened one (resilience + contracts + consensus), and print the measured success rate, nines, calls, tokens and failures.");
        foreach (var option in new Option[] { calls, seed, concurrency, model, chaos, k, speedup, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new DemoSettings(
                parseResult.GetValue(calls),
                parseResult.GetValue(seed),
                parseResult.GetValue(concurrency),
                parseResult.GetValue(model)!,
                parseResult.GetValue(chaos)!,
                parseResult.GetValue(k),
                parseResult.GetValue(speedup));
            Validate(settings);
            var runner = new DemoRunner(settings);
            var asJson = parseResult.GetValue(json);
            if (!asJson)
            {
                await console.Out.WriteLineAsync(Invariant(
                    $"Invoice extraction, {settings.Calls} tasks per pipeline, model {settings.Model} (SIMULATED), chaos profile '{settings.ChaosProfile}', seed {settings.Seed}.")).ConfigureAwait(false);
            }

            var bars = new Dictionary<string, ProgressBar>();
            var (bare, hardened) = await runner.RunAsync(
                (name, done, total, outcome) =>
                {
                    ProgressBar bar;
                    lock (bars)
                    {
                        if (!bars.TryGetValue(name, out bar!))
                        {
                            bar = console.CreateProgressBar(name);
                            bars[name] = bar;
                        }
                    }

                    bar.Report(done, total, Invariant($"success {100.0 * outcome.Succeeded / Math.Max(1, outcome.Tasks):F1}%"));
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var bar in bars.Values)
            {
                bar.Dispose();
            }

            if (asJson)
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(ToJson(settings, [bare, hardened]), PlanCommand.JsonOptions)).ConfigureAwait(false);
            }
            else
            {
                Write(console.Out, settings, bare, hardened);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static void Validate(DemoSettings settings)
    {
        if (settings.Calls < 1)
        {
            throw new CliUsageException(Invariant($"--calls must be at least 1 (got {settings.Calls})."));
        }

        if (settings.Concurrency < 1)
        {
            throw new CliUsageException(Invariant($"--concurrency must be at least 1 (got {settings.Concurrency})."));
        }

        if (settings.K < 1)
        {
            throw new CliUsageException(Invariant($"--k must be at least 1 (got {settings.K}); k = 1 takes the first valid answer."));
        }

        if (!(settings.Speedup >= 1 && settings.Speedup <= 1_000_000))
        {
            throw new CliUsageException(Invariant($"--speedup must be between 1 (real time) and 1000000 (got {settings.Speedup})."));
        }
    }

    internal static void Write(TextWriter output, DemoSettings settings, PipelineOutcome bare, PipelineOutcome hardened)
    {
        output.WriteLine();
        var table = new TableRenderer(
            new TableColumn("pipeline"),
            new TableColumn("success"),
            new TableColumn("95% CI"),
            new TableColumn("nines"),
            new TableColumn("nines (95% low)"),
            new TableColumn("model calls"),
            new TableColumn("calls/task"),
            new TableColumn("tokens"),
            new TableColumn("p50 s"),
            new TableColumn("p95 s"));
        foreach (var outcome in new[] { bare, hardened })
        {
            var interval = outcome.Interval;
            table.AddRow(
                outcome.Name,
                Invariant($"{outcome.Succeeded}/{outcome.Tasks} = {100 * outcome.SuccessRate:F2}%"),
                Invariant($"{100 * interval.Lower:F2}-{100 * interval.Upper:F2}%"),
                ReliabilityFormat.Nines(outcome.Nines),
                ReliabilityFormat.Nines(outcome.ConservativeNines),
                ReliabilityFormat.Count(outcome.ModelCalls),
                Invariant($"{(double)outcome.ModelCalls / Math.Max(1, outcome.Tasks):F2}"),
                ReliabilityFormat.Count(outcome.InputTokens + outcome.OutputTokens),
                Invariant($"{outcome.LatencyPercentile(50):F1}"),
                Invariant($"{outcome.LatencyPercentile(95):F1}"));
        }

        table.Write(output);
        output.WriteLine();

        var categories = bare.Failures.Keys.Union(hardened.Failures.Keys).OrderBy(c => c.ToString(), StringComparer.Ordinal).ToList();
        if (categories.Count > 0)
        {
            output.WriteLine("Failures by category (tasks that ended wrong or with an error):");
            var failures = new TableRenderer(new TableColumn("category"), new TableColumn("bare"), new TableColumn("hardened"));
            foreach (var category in categories)
            {
                failures.AddRow(category.ToString(), Invariant($"{bare.Failures.GetValueOrDefault(category)}"), Invariant($"{hardened.Failures.GetValueOrDefault(category)}"));
            }

            failures.Write(output, "  ");
            output.WriteLine();
        }

        var failed = hardened.Tasks - hardened.Succeeded;
        var needed = Planning.ReliabilityMath.ZeroFailureTrialsForNines(3);
        output.WriteLine(Invariant(
            $"hardened: {failed} failure(s) in {hardened.Tasks} tasks ({ReliabilityFormat.Nines(hardened.Nines)} nines) vs bare: {bare.Tasks - bare.Succeeded} ({ReliabilityFormat.Nines(bare.Nines)} nines)."));
        if (hardened.Nines >= 3 && hardened.Tasks < needed)
        {
            output.WriteLine(Invariant(
                $"To claim 3 nines at 95% confidence takes {needed:N0} failure-free tasks; run with --calls {needed} (the 95% low column shows what {hardened.Tasks} tasks support)."));
        }

        output.WriteLine();
        output.WriteLine(Invariant($"bare:     {bare.Description}."));
        output.WriteLine(Invariant($"hardened: {hardened.Description}; calls/task is the price of the extra nines."));
        output.WriteLine(Invariant(
            $"Latency is simulated time (the clock ran {settings.Speedup:0}x faster than real time); every figure above was measured, the model is a simulation (sim:)."));
        output.WriteLine("nines = -log10(1 - success rate); the 95% low column uses the Wilson interval's lower bound.");
    }

    private static object ToJson(DemoSettings settings, IEnumerable<PipelineOutcome> outcomes) => new
    {
        settings.Calls,
        settings.Seed,
        settings.Model,
        Simulated = true,
        Chaos = settings.ChaosProfile,
        settings.K,
        Pipelines = outcomes.Select(o => new
        {
            o.Name,
            o.Description,
            o.Tasks,
            o.Succeeded,
            o.SuccessRate,
            CiLower = o.Interval.Lower,
            CiUpper = o.Interval.Upper,
            Nines = double.IsFinite(o.Nines) ? o.Nines : (double?)null,
            ConservativeNines = o.ConservativeNines,
            o.ModelCalls,
            Tokens = o.InputTokens + o.OutputTokens,
            LatencyP50Seconds = o.LatencyPercentile(50),
            LatencyP95Seconds = o.LatencyPercentile(95),
            Failures = o.Failures.ToDictionary(f => f.Key.ToString(), f => f.Value),
        }),
    };
}
