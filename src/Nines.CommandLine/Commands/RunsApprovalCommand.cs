using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nines.CommandLine.Storage;
using Nines.Tools;

namespace Nines.CommandLine.Commands;

/// <summary>
/// <c>nines runs approve|reject &lt;id&gt; &lt;call-id&gt; --by &lt;name&gt;</c>: answers a tool call a workflow run waits
/// to have approved (a workflow tool session's durable signal <c>approval:&lt;call-id&gt;</c>).
/// </summary>
internal static class RunsApprovalCommand
{
    public static Command Create(CliConsole console, bool approve)
    {
        ArgumentNullException.ThrowIfNull(console);
        var verb = approve ? "approve" : "reject";
        var id = new Argument<string>("id") { Description = "The run id (see 'nines runs list')." };
        var callId = new Argument<string>("call-id") { Description = "The tool call's id: the run waits for 'signal:approval:<call-id>' (see 'nines runs show')." };
        var by = new Option<string>("--by") { Description = "Who decides, for the audit record.", Required = true, HelpName = "name" };
        var reason = new Option<string?>("--reason") { Description = approve ? "Why, for the audit record." : "Why; the model is told." };
        var store = StoreSpec.CreateOption(RunsCommand.StoreDescription);

        var command = new Command(
            verb,
            approve
                ? "Approve a tool call a workflow run is waiting on; the run resumes on the next worker pass and runs the tool."
                : "Reject a tool call a workflow run is waiting on; the run resumes, the tool does not run and the model is told why.");
        command.Arguments.Add(id);
        command.Arguments.Add(callId);
        command.Options.Add(by);
        command.Options.Add(reason);
        command.Options.Add(store);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var runId = parseResult.GetValue(id)!;
            var call = parseResult.GetValue(callId)!;
            var who = parseResult.GetValue(by)!;
            if (string.IsNullOrWhiteSpace(call) || string.IsNullOrWhiteSpace(who))
            {
                throw new CliUsageException($"the call id and --by must not be empty, e.g. nines runs {verb} <id> call_7 --by alice");
            }

            var signalName = ToolApprovals.SignalName(call);
            var spec = StoreSpec.Parse(parseResult.GetValue(store));
            await using var opened = await spec.OpenExistingAsync(console.TimeProvider, cancellationToken).ConfigureAwait(false);
            var run = await opened.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            var waitingFor = run?.WaitingFor?.Split(", ") ?? [];
            if (run is not null && !waitingFor.Contains("signal:" + signalName, StringComparer.Ordinal))
            {
                // A decision for a call the run is not waiting on would sit unread while the real request waits on.
                var waiting = waitingFor.Where(w => w.StartsWith("signal:approval:", StringComparison.Ordinal)).Select(w => w["signal:approval:".Length..]).ToList();
                throw new CliUsageException(
                    $"run {runId} is {RunsFormat.Status(run.Status)} and not waiting for approval of '{call}'; " +
                    (waiting.Count > 0 ? $"it waits for approval of: {string.Join(", ", waiting)}." : "it waits for no tool approval (see 'nines runs show')."));
            }

            var json = JsonSerializer.Serialize(new ToolApprovalDecision(approve, parseResult.GetValue(reason), who), JsonSerializerOptions.Web);
            var signal = await opened.SendSignalAsync(runId, signalName, json, console.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{(approve ? "approved" : "rejected")} call '{call}' of run {runId} (signal '{signal.Name}' #{signal.Sequence}): {signal.PayloadJson}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
