using System.Globalization;
using Microsoft.Extensions.AI;
using Nines.Chaos;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Evals.Suites;

/// <summary>What the built-in suites share about their simulated models: parsing <c>--model</c>, per-trial seeds, the clock and prices.</summary>
internal static class SuiteSimulation
{
    /// <summary>
    /// The illustrative price of every <c>sim:</c> model in the built-in suites, in US dollars per million input and output
    /// tokens: the order of a small hosted model, so cost columns show what the extra samples of a hardened pipeline cost.
    /// </summary>
    internal static readonly ModelPrice SimulatedPrice = new(0.40m, 1.60m);

    /// <summary>Parses <paramref name="spec"/> (the value of <c>--model</c>) as a simulation profile.</summary>
    /// <exception cref="ArgumentException">It is not a <c>sim:</c> spec or its profile is invalid; the message names the option.</exception>
    internal static SimulationProfile ParseModel(string spec)
    {
        ModelSpec parsed;
        try
        {
            parsed = ModelSpec.Parse(spec);
        }
        catch (ModelSpecException ex)
        {
            throw new ArgumentException($"--model {spec}: {ex.Message}", ex);
        }

        if (parsed.Scheme != "sim")
        {
            throw new ArgumentException(
                $"--model {spec} is not a simulated model: the built-in suites need a known right answer, so use a sim: spec such as sim:good or sim:p=0.97.");
        }

        try
        {
            return SimulationProfile.Parse(parsed.Model);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"--model {spec}: {ex.Message}", ex);
        }
    }

    /// <summary>The clock a suite's simulated latency runs on: <paramref name="speedup"/> times faster than real time.</summary>
    /// <exception cref="ArgumentException"><paramref name="speedup"/> is outside [1, 1,000,000].</exception>
    internal static ScaledTimeProvider Clock(double speedup) =>
        speedup is >= 1 and <= 1_000_000
            ? new ScaledTimeProvider(speedup)
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--speedup must be between 1 (real time) and 1000000 (got {speedup})."));

    /// <summary>The seed a trial's simulated model, chaos and retry jitter use (they keep separate streams of the same seed).</summary>
    internal static int Seed(EvalTrialContext context) => unchecked((int)(context.Seed ^ (context.Seed >> 32)));

    /// <summary>Checks that <paramref name="value"/> of <c>--<paramref name="option"/></c> is at least <paramref name="minimum"/>.</summary>
    internal static int AtLeast(int value, int minimum, string option) =>
        value >= minimum
            ? value
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--{option} must be at least {minimum} (got {value})."));

    /// <summary>Checks that <paramref name="value"/> of <c>--<paramref name="option"/></c> is a probability in [0, <paramref name="maximum"/>].</summary>
    internal static double Probability(double value, string option, double maximum = 1) =>
        value >= 0 && value <= maximum
            ? value
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--{option} must be between 0 and {maximum} (got {value})."));

    /// <summary>Loads the chaos profile named by <c>--chaos</c>.</summary>
    /// <exception cref="ArgumentException">It is neither a built-in profile nor a valid JSON file; the message names the option.</exception>
    internal static ChaosProfile LoadChaos(string nameOrPath)
    {
        try
        {
            return ChaosProfile.Load(nameOrPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or FormatException)
        {
            throw new ArgumentException($"--chaos {nameOrPath}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// One trial's client: a simulated model of its own seeded from the trial, its tokens recorded on the trial, under the
    /// configuration's chaos, with <paramref name="resilience"/> (if any) outermost. Trial t of a case meets the same model
    /// draws and the same faults under every configuration.
    /// </summary>
    internal static IChatClient CreateClient(
        EvalTrialContext context, SimulationProfile profile, string modelName, Func<ChatClientBuilder, int, ChatClientBuilder>? resilience = null)
    {
        var seed = Seed(context);
        var model = new SimulatedChatClient(profile, new SimulationOptions { Seed = seed, TimeProvider = context.Time });
        var builder = new TrialUsageChatClient(model, context, modelName).AsBuilder();
        if (resilience is not null)
        {
            builder = resilience(builder, seed);
        }

        if (context.Chaos is { } chaos)
        {
            builder.UseChaos(chaos, o =>
            {
                o.Seed = seed;
                o.TimeProvider = context.Time;
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// Runs each configuration of <paramref name="suite"/> once on its first case, off the record, on a clock a million times
    /// faster than real time, so the first recorded trials do not pay for compiling the pipelines (JIT). On a 50× clock a
    /// one-off 400 ms compile pause would read as 20 s of provider latency, and could trip a simulated attempt timeout.
    /// </summary>
    internal static EvalSuite WarmUp(EvalSuite suite)
    {
        var clock = new ScaledTimeProvider(1_000_000);
        var evalCase = suite.Cases[0];
        foreach (var configuration in suite.Configurations)
        {
            var context = new EvalTrialContext(suite.Name, configuration, evalCase, 0, 0, clock, suite.Prices);
            try
            {
                // Blocking is safe here: Create runs outside any synchronization context, and the trial's awaits resume on the pool.
                var output = configuration.Target(context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                _ = (evalCase.Scorer ?? suite.Scorer)?.Invoke(evalCase, output, context);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A warm-up trial that failed (an injected fault) still compiled the code it ran; its outcome is not recorded.
            }
        }

        return suite;
    }
}
