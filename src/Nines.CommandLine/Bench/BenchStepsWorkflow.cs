using System.Diagnostics;
using Nines.Workflows;

namespace Nines.CommandLine.Bench;

/// <summary>
/// The bench workload: sequential no-op steps, each returning a fixed string, so every step costs only what the
/// engine and the store add (one journal write). Each step's time from <c>StepAsync</c> to its result being
/// journaled goes to <see cref="StepTimings"/>.
/// </summary>
[Workflow(Name)]
internal sealed class BenchStepsWorkflow(StepTimings timings) : IWorkflow<BenchStepsInput, int>
{
    public const string Name = "nines-bench-steps";

    public async Task<int> RunAsync(WorkflowContext context, BenchStepsInput input)
    {
        // JSON adds two quotes around a string: the journaled output is PayloadBytes bytes.
        var output = new string('x', Math.Max(0, input.PayloadBytes - 2));
        for (var i = 0; i < input.Steps; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await context.StepAsync(StepName(i), _ => Task.FromResult(output)).ConfigureAwait(false);
            timings.Record(Stopwatch.GetTimestamp() - started);
        }

        return input.Steps;
    }

    private static string StepName(int index) => index < _names.Length ? _names[index] : "step-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] _names = [.. Enumerable.Range(0, 64).Select(i => "step-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
