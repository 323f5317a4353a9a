using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nines.CommandLine.Rendering;
using Nines.Planning;
using static System.FormattableString;

namespace Nines.CommandLine.Commands;

/// <summary>
/// <c>nines plan</c>: how much voting a workflow needs. From the accuracy of one sample it prints the per-step and
/// whole-workflow success of majority-of-n and first-to-ahead-by-k voting, the smallest margin k that meets a
/// target, and how many failure-free trials it takes to claim a number of nines.
/// </summary>
internal static class PlanCommand
{
    internal static readonly int[] DefaultN = [1, 3, 5, 7, 9];
    internal static readonly int[] DefaultK = [1, 2, 3, 4, 5, 6];
    internal static readonly double[] DefaultNines = [1, 2, 3, 4, 5];

    // Past 18 nines the failure-free trial count no longer fits a long.
    internal const double MaxNines = 18;

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);

        var accuracy = CliNumbers.DoubleOption(
            "--per-sample-accuracy",
            "Probability that one sample (one model call) gets a step right; must be > 0.5. Example: 0.9978 or 99.78%.",
            "p");
        var error = CliNumbers.DoubleOption(
            "--per-step-error",
            "Probability that one sample gets a step wrong (p = 1 - error); must be < 0.5. Example: 0.0022 or 0.22%.",
            "error");
        var steps = new Option<long>("--steps")
        {
            Description = "Number of steps in the workflow, each decided by its own vote.",
            HelpName = "s",
            DefaultValueFactory = _ => 1,
        };
        var target = CliNumbers.DoubleOption(
            "--target",
            "Required probability that the whole workflow succeeds; prints k_min, the smallest margin that meets it. Example: 0.95.",
            "t");
        var k = new Option<int[]>("--k")
        {
            Description = "Margins for first-to-ahead-by-k voting to tabulate (default 1 2 3 4 5 6).",
            HelpName = "k",
            AllowMultipleArgumentsPerToken = true,
        };
        var n = new Option<int[]>("--n")
        {
            Description = "Sample counts for majority voting to tabulate (default 1 3 5 7 9).",
            HelpName = "n",
            AllowMultipleArgumentsPerToken = true,
        };
        var nines = CliNumbers.DoubleOption(
            "--nines",
            "Nines to demonstrate (3 = 99.9%); prints the failure-free trials needed (default: a table for 1 to 5).",
            "d");
        var confidence = CliNumbers.DoubleOption(
            "--confidence",
            "Confidence level for the failure-free trial counts (default 0.95).",
            "c");
        var json = new Option<bool>("--json")
        {
            Description = "Print the plan as one JSON object instead of tables.",
        };

        var command = new Command(
            "plan",
            "Plan the voting a workflow needs: per-step and whole-workflow success of majority-of-n and first-to-ahead-by-k, " +
            "the smallest k for a target, and the failure-free trials needed to claim d nines. " +
            "Example: nines plan --per-step-error 0.0022 --steps 1048575 --target 0.95");
        command.Options.Add(accuracy);
        command.Options.Add(error);
        command.Options.Add(steps);
        command.Options.Add(target);
        command.Options.Add(k);
        command.Options.Add(n);
        command.Options.Add(nines);
        command.Options.Add(confidence);
        command.Options.Add(json);

        command.SetAction(parseResult =>
        {
            var input = Validate(
                parseResult.GetValue(accuracy),
                parseResult.GetValue(error),
                parseResult.GetValue(steps),
                parseResult.GetValue(target),
                parseResult.GetValue(k),
                parseResult.GetValue(n),
                parseResult.GetValue(nines),
                parseResult.GetValue(confidence));
            var report = Compute(input);
            if (parseResult.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
            }
            else
            {
                WriteText(console.Out, report);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Checks the options together and turns them into a plan input; every problem is a one-line <see cref="CliUsageException"/>.</summary>
    internal static PlanInput Validate(
        double? accuracy,
        double? error,
        long steps,
        double? target,
        int[]? k,
        int[]? n,
        double? nines,
        double? confidence)
    {
        double p;
        double q;
        switch (accuracy, error)
        {
            case (null, null):
                throw new CliUsageException(
                    "give the accuracy of one sample with --per-sample-accuracy <p> or its error rate with --per-step-error <error>, for example --per-step-error 0.0022.");
            case ({ }, { }):
                throw new CliUsageException(Invariant(
                    $"give either --per-sample-accuracy or --per-step-error, not both (got {accuracy} and {error}); they describe the same thing, p = 1 - error."));
            case ({ } a, null):
                if (!(a > 0.5))
                {
                    throw new CliUsageException(
                        Invariant($"--per-sample-accuracy must be > 0.5 for voting to help (got {a}); a sample no better than a coin cannot be fixed by voting."));
                }

                if (a > 1)
                {
                    throw new CliUsageException(Invariant($"--per-sample-accuracy is a probability and must be at most 1 (got {a}); write 99.78% as 0.9978."));
                }

                (p, q) = (a, 1 - a);
                break;
            case (null, { } e):
                if (!(e < 0.5))
                {
                    throw new CliUsageException(
                        Invariant($"--per-step-error must be < 0.5 for voting to help (got {e}); a sample no better than a coin cannot be fixed by voting."));
                }

                if (e < 0)
                {
                    throw new CliUsageException(Invariant($"--per-step-error is a probability and cannot be negative (got {e})."));
                }

                (p, q) = (1 - e, e);
                break;
        }

        if (steps < 1)
        {
            throw new CliUsageException(Invariant($"--steps must be at least 1 (got {steps})."));
        }

        if (target is { } t && !(t > 0 && t < 1))
        {
            throw new CliUsageException(Invariant($"--target must be strictly between 0 and 1 (got {t}); write 95% as 0.95."));
        }

        if (k is { Length: > 0 } && k.Min() < 1)
        {
            throw new CliUsageException(Invariant($"--k must be at least 1 (got {k.Min()}); k = 1 is a single sample, k = 3 waits for a lead of 3 votes."));
        }

        if (n is { Length: > 0 } && n.Min() < 1)
        {
            throw new CliUsageException(Invariant($"--n must be at least 1 (got {n.Min()})."));
        }

        if (nines is { } d && !(d > 0 && d <= MaxNines))
        {
            throw new CliUsageException(Invariant($"--nines must be greater than 0 and at most {MaxNines} (got {d}); 3 nines is 99.9%."));
        }

        var c = confidence ?? 0.95;
        if (!(c > 0 && c < 1))
        {
            throw new CliUsageException(Invariant($"--confidence must be strictly between 0 and 1 (got {c}); write 95% as 0.95."));
        }

        return new PlanInput(
            p,
            q,
            steps,
            target,
            k is { Length: > 0 } ? [.. k.Distinct().Order()] : DefaultK,
            n is { Length: > 0 } ? [.. n.Distinct().Order()] : DefaultN,
            nines is { } one ? [one] : DefaultNines,
            c);
    }

    internal static PlanReport Compute(PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (p, q, steps) = (input.Accuracy, input.Error, input.Steps);

        var majority = input.N.Select(n =>
        {
            // P(lose) = MajorityOfN(q, n) by symmetry of the two-outcome model: precise when q is tiny.
            var stepFailure = ReliabilityMath.MajorityOfN(q, n);
            var workflow = Workflow(stepFailure, steps);
            return new MajorityOfNPlanRow(
                n,
                n,
                (double)n * steps,
                ReliabilityMath.MajorityOfN(p, n),
                stepFailure,
                FiniteOrNull(ReliabilityMath.NinesFromFailure(stepFailure)),
                workflow.Success,
                workflow.Failure,
                workflow.Log10Success,
                workflow.Nines);
        }).ToArray();

        var ahead = input.K.Select(k => AheadRow(p, k, steps)).ToArray();

        AheadByKPlanRow? kMin = null;
        if (input.Target is { } target)
        {
            kMin = AheadRow(p, ReliabilityMath.KMin(p, steps, target), steps);
        }

        var trials = input.Nines
            .Select(d => new ZeroFailureTrialsPlanRow(d, 1 - Math.Pow(10, -d), input.Confidence, ReliabilityMath.ZeroFailureTrialsForNines(d, input.Confidence)))
            .ToArray();

        return new PlanReport("two-outcome", p, q, steps, input.Target, input.Confidence, majority, ahead, kMin, trials);
    }

    internal static void WriteText(TextWriter writer, PlanReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);

        writer.WriteLine(
            $"Plan for per-sample accuracy p = {ReliabilityFormat.Number(report.PerSampleAccuracy)} " +
            $"(error {ReliabilityFormat.Number(report.PerSampleError)}) over {ReliabilityFormat.Count(report.Steps)} " +
            (report.Steps == 1 ? "step." : "steps."));
        writer.WriteLine("Two-outcome model: a wrong sample votes for one single wrong answer (the worst case for voting).");
        writer.WriteLine();

        writer.WriteLine("Majority of n (a tie on even n counts half)");
        var majority = new TableRenderer(
            new TableColumn("n"),
            new TableColumn("samples/step"),
            new TableColumn("step error", TableAlignment.Right),
            new TableColumn("step nines", TableAlignment.Right),
            new TableColumn("workflow success", TableAlignment.Right),
            new TableColumn("workflow nines", TableAlignment.Right));
        foreach (var row in report.MajorityOfN)
        {
            majority.AddRow(
                row.N.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ReliabilityFormat.Count((long)row.SamplesPerStep),
                ReliabilityFormat.Rate(row.StepFailure),
                ReliabilityFormat.Nines(row.StepNines),
                ReliabilityFormat.Percent(row.WorkflowSuccess, row.WorkflowFailure, row.Log10WorkflowSuccess),
                ReliabilityFormat.Nines(row.WorkflowNines));
        }

        majority.Write(writer, "  ");
        writer.WriteLine();

        writer.WriteLine("First to ahead by k (MAKER: sample until one answer leads by k votes)");
        var ahead = new TableRenderer(
            new TableColumn("k"),
            new TableColumn("samples/step", TableAlignment.Right),
            new TableColumn("step error", TableAlignment.Right),
            new TableColumn("step nines", TableAlignment.Right),
            new TableColumn("workflow success", TableAlignment.Right),
            new TableColumn("workflow nines", TableAlignment.Right));
        foreach (var row in report.FirstToAheadByK)
        {
            ahead.AddRow(
                row.K.ToString(System.Globalization.CultureInfo.InvariantCulture),
                row.ExpectedSamplesPerStep.ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
                ReliabilityFormat.Rate(row.StepFailure),
                ReliabilityFormat.Nines(row.StepNines),
                ReliabilityFormat.Percent(row.WorkflowSuccess, row.WorkflowFailure, row.Log10WorkflowSuccess),
                ReliabilityFormat.Nines(row.WorkflowNines));
        }

        ahead.Write(writer, "  ");
        writer.WriteLine("  (samples/step is the expected number of samples a vote draws.)");
        writer.WriteLine();

        if (report.KMin is { } kMin && report.Target is { } target)
        {
            writer.WriteLine(
                $"k_min = {kMin.K}: first-to-ahead-by-{kMin.K} makes all {ReliabilityFormat.Count(report.Steps)} " +
                $"{(report.Steps == 1 ? "step" : "steps")} succeed with probability " +
                $"{ReliabilityFormat.Percent(kMin.WorkflowSuccess, kMin.WorkflowFailure, kMin.Log10WorkflowSuccess)} " +
                $">= target {ReliabilityFormat.Number(target * 100)}%, " +
                $"at about {kMin.ExpectedSamplesPerStep.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} samples per step " +
                $"({ReliabilityFormat.Count((long)Math.Round(kMin.ExpectedSamplesTotal))} in total).");
            writer.WriteLine();
        }

        writer.WriteLine($"Failure-free trials needed to claim d nines at {ReliabilityFormat.Number(report.Confidence * 100)}% confidence");
        var trials = new TableRenderer(
            new TableColumn("nines"),
            new TableColumn("success rate", TableAlignment.Right),
            new TableColumn("trials", TableAlignment.Right));
        foreach (var row in report.ZeroFailureTrials)
        {
            trials.AddRow(
                ReliabilityFormat.Number(row.Nines),
                ReliabilityFormat.Number(row.SuccessRate * 100, 12) + "%",
                ReliabilityFormat.Count(row.Trials));
        }

        trials.Write(writer, "  ");
    }

    private static AheadByKPlanRow AheadRow(double p, int k, long steps)
    {
        var stepFailure = ReliabilityMath.FirstToAheadByKFailure(p, k);
        var expected = ReliabilityMath.ExpectedSamplesAheadByK(p, k);
        var workflow = Workflow(stepFailure, steps);
        return new AheadByKPlanRow(
            k,
            expected,
            expected * steps,
            ReliabilityMath.FirstToAheadByK(p, k),
            stepFailure,
            FiniteOrNull(ReliabilityMath.NinesFromFailure(stepFailure)),
            workflow.Success,
            workflow.Failure,
            workflow.Log10Success,
            workflow.Nines);
    }

    private static (double Success, double Failure, double Log10Success, double? Nines) Workflow(double stepFailure, long steps)
    {
        var failure = ReliabilityMath.WorkflowFailure(stepFailure, steps);
        var log10Success = stepFailure >= 1 ? double.NegativeInfinity : steps * ReliabilityMath.Log1P(-stepFailure) / Math.Log(10);
        return (
            ReliabilityMath.WorkflowSuccessFromStepFailure(stepFailure, steps),
            failure,
            log10Success,
            FiniteOrNull(ReliabilityMath.NinesFromFailure(failure)));
    }

    private static double? FiniteOrNull(double value) => double.IsFinite(value) ? value : null;
}
