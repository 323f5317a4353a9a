using System.CommandLine;
using Nines.CommandLine.Storage;
using Nines.Workflows;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines runs cancel &lt;id&gt;</c>: asks for a run to be cancelled.</summary>
internal static class RunsCancelCommand
{
    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var id = new Argument<string>("id") { Description = "The run id (see 'nines runs list')." };
        var store = StoreSpec.CreateOption(RunsCommand.StoreDescription);

        var command = new Command("cancel", "Ask for a run to be cancelled: a worker stops it at its next step (a blocked run no worker can execute is cancelled at once).");
        command.Arguments.Add(id);
        command.Options.Add(store);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var runId = parseResult.GetValue(id)!;
            var spec = StoreSpec.Parse(parseResult.GetValue(store));
            await using var opened = await spec.OpenExistingAsync(console.TimeProvider, cancellationToken).ConfigureAwait(false);
            var requested = await opened.RequestCancelAsync(runId, console.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var run = await opened.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
                ?? throw new WorkflowRunNotFoundException(runId, opened.Description);
            var status = RunsFormat.Status(run.Status);
            var message = (requested, run.Status) switch
            {
                (false, _) => $"run {runId} had already finished ({status}); nothing to cancel.",
                (true, WorkflowRunStatus.Cancelled) => $"run {runId} is cancelled.",
                _ => $"cancellation requested for run {runId} ({status}); a worker stops it at its next step.",
            };
            await console.Out.WriteLineAsync(message).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
