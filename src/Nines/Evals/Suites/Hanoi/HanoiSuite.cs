using System.Globalization;
using Nines.Models;

namespace Nines.Evals.Suites.Hanoi;

/// <summary>
/// The <c>hanoi</c> suite: the MAKER task (Meyerson et al. 2025, "Solving a Million-Step LLM Task with Zero Errors"). Towers
/// of Hanoi is solved one move per step, each step a vote over samples of a <c>sim:</c> model with per-sample error ε; the
/// run is the trial and passes only if every one of the 2^d − 1 moves is right.
/// </summary>
internal static class HanoiSuite
{
    public static EvalSuiteDefinition Definition { get; } = new()
    {
        Name = "hanoi",
        Description = "The MAKER task: Towers of Hanoi, one voted simulated-model call per move (2^d - 1 moves, 1,048,575 for 20 disks), first-to-ahead-by-k with red flags; zero errors allowed.",
        Parameters =
        [
            new("disks", "Disks in the tower (1-30); the run makes 2^d - 1 moves.", "20"),
            new("per-step-error", "Probability that one sample is not the right move (epsilon), in [0, 0.5).", "0.0022"),
            new("k", "Voting margin of the maker configuration; auto = k_min for --target.", "auto"),
            new("target", "Whole-run success probability that k_min is chosen for, in (0, 1).", "0.95"),
            new("red-flag-rate", "Share of wrong samples that are red-flag errors (over the token cap or badly formatted), 0-1.", "0.25"),
        ],
        Create = Create,
    };

    /// <summary>Builds the suite from its arguments.</summary>
    /// <exception cref="ArgumentException">An argument is invalid; the message names the option.</exception>
    public static EvalSuite Create(EvalSuiteArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var disks = arguments.GetInt32("disks");
        if (disks is < 1 or > HanoiTower.MaxDisks)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--disks must be between 1 and {HanoiTower.MaxDisks} (got {disks})."));
        }

        var epsilon = arguments.GetDouble("per-step-error");
        if (!(epsilon >= 0 && epsilon < 0.5))
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"--per-step-error must be at least 0 and below 0.5 (got {epsilon}): voting cannot fix a sample that is wrong half the time or more."));
        }

        var target = arguments.GetDouble("target");
        if (!(target > 0 && target < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--target must be strictly between 0 and 1 (got {target})."));
        }

        var redFlagRate = SuiteSimulation.Probability(arguments.GetDouble("red-flag-rate"), "red-flag-rate");
        var auto = new HanoiSettings(disks, epsilon, redFlagRate, 1, target);
        var k = string.Equals(arguments.Get("k"), "auto", StringComparison.OrdinalIgnoreCase)
            ? auto.KMin
            : SuiteSimulation.AtLeast(arguments.GetInt32("k"), 1, "k");
        var maker = new HanoiSettings(disks, epsilon, redFlagRate, k, target);

        return new EvalSuite
        {
            Name = Definition.Name,
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"Towers of Hanoi with {disks} disks: {maker.Steps:N0} moves, one step each; every sample is a call to a SIMULATED model that is wrong with probability {epsilon} ") +
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"({redFlagRate:P0} of its errors over the token cap or badly formatted, discarded as red flags). maker votes first-to-ahead-by-{k} (k_min = {maker.KMin} for a {target:P0} target); ") +
                "single takes the first valid sample. The run passes only if every move is right; it stops at the first wrong one.",
            Cases = [new EvalCase(string.Create(CultureInfo.InvariantCulture, $"hanoi-{disks}"), maker)],
            Configurations =
            [
                new EvalConfiguration("maker", (context, ct) => RunAsync(maker, context, ct), $"first-to-ahead-by-{k} voting per move, red flags discarded (MAKER)"),
                new EvalConfiguration("single", (context, ct) => RunAsync(new HanoiSettings(disks, epsilon, redFlagRate, 1, target), context, ct), "one valid sample per move (k = 1), red flags discarded"),
            ],
            Scorer = Score,
            Trials = 1,
            MaxConcurrency = 2,
            Prices = new Dictionary<string, ModelPrice> { [maker.ModelName] = SuiteSimulation.SimulatedPrice },
        };
    }

    /// <summary>Passes a run that made every move right; the MAKER figures go in the metrics.</summary>
    internal static EvalScore Score(EvalCase evalCase, object? output, EvalTrialContext context)
    {
        if (output is not HanoiResult run)
        {
            return EvalScore.Fail(nameof(FailureCategory.Other), $"The run returned {output?.GetType().Name ?? "null"}, not a Hanoi result.");
        }

        var settings = new HanoiSettings(run.Disks, run.PerStepError, run.RedFlagRate, run.K, ((HanoiSettings)evalCase.Input!).Target);
        var metrics = new Dictionary<string, double>
        {
            ["disks"] = run.Disks,
            ["steps"] = run.MovesMade,
            ["total_steps"] = run.TotalMoves,
            ["errors"] = run.Error is null ? 0 : 1,
            ["k"] = run.K,
            ["k_min"] = settings.KMin,
            ["per_step_error"] = run.PerStepError,
            ["samples"] = run.Samples,
            ["samples_per_step"] = run.SamplesPerStep,
            ["expected_samples_per_step"] = settings.ExpectedSamplesPerStep,
            ["formula_samples_per_step"] = Planning.ReliabilityMath.ExpectedSamplesAheadByK(1 - run.PerStepError, run.K),
            ["wrong_votes"] = run.WrongVotes,
            ["red_flags"] = run.RedFlags,
            ["predicted_success"] = settings.PredictedSuccess,
            ["wall_seconds"] = run.Seconds,
        };
        var figures = string.Create(
            CultureInfo.InvariantCulture,
            $"{run.SamplesPerStep:F4} samples/move (expected {settings.ExpectedSamplesPerStep:F4}), {run.WrongVotes:N0} wrong votes, {run.RedFlags:N0} red flags, {run.Seconds:F1} s");
        return run.Solved
            ? new EvalScore(true, Detail: string.Create(CultureInfo.InvariantCulture, $"solved {run.Disks} disks: {run.MovesMade:N0} moves, 0 errors, k = {run.K}; ") + figures, Metrics: metrics)
            : new EvalScore(false, FailureCategory: run.ErrorCategory ?? nameof(FailureCategory.WrongAnswer), Detail: (run.Error ?? "the tower is not solved") + "; " + figures, Metrics: metrics);
    }

    private static async ValueTask<object?> RunAsync(HanoiSettings settings, EvalTrialContext context, CancellationToken cancellationToken) =>
        await new HanoiRun(settings).RunAsync(context, cancellationToken).ConfigureAwait(false);
}
