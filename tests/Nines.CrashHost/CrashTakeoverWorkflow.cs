using System.Globalization;
using Nines.Workflows;

namespace Nines.CrashHost;

/// <summary>
/// One slow step that holds on for a while in real time, deliberately ignoring cancellation (as a stuck HTTP call or
/// a paused process would), then returns the id of the process that ran it.
/// </summary>
[Workflow(Name)]
internal sealed class CrashTakeoverWorkflow(StepRecorder recorder, TimeSpan hold) : IWorkflow<string, string>
{
    public const string Name = "crash-takeover";

    public async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var runId = context.RunId;
        return await context.StepAsync("slow", async ct =>
        {
            await recorder.BeginAsync(runId, "slow", ct);
            await Task.Delay(hold, CancellationToken.None);
            return "pid " + ExecutionLog.Pid.ToString(CultureInfo.InvariantCulture);
        });
    }
}
