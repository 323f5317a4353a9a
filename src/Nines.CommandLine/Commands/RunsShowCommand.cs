using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nines.CommandLine.Rendering;
using Nines.CommandLine.Storage;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines runs show &lt;id&gt;</c>: one run's header, its step timeline and its signals.</summary>
internal static class RunsShowCommand
{
    private const int PayloadWidth = 200;

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var id = new Argument<string>("id") { Description = "The run id (see 'nines runs list')." };
        var json = new Option<bool>("--json") { Description = "Print the run, its steps and signals as one JSON object." };
        var store = StoreSpec.CreateOption(RunsCommand.StoreDescription);

        var command = new Command("show", "Show a run: status, lease, what it waits for, input/output, the step timeline and its signals.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.Options.Add(store);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var runId = parseResult.GetValue(id)!;
            var spec = StoreSpec.Parse(parseResult.GetValue(store));
            await using var opened = await spec.OpenExistingAsync(console.TimeProvider, cancellationToken).ConfigureAwait(false);
            var run = await opened.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
                ?? throw new WorkflowRunNotFoundException(runId, opened.Description);
            var steps = await opened.GetStepsAsync(runId, cancellationToken).ConfigureAwait(false);
            var signals = await opened.GetSignalsAsync(runId, cancellationToken).ConfigureAwait(false);

            if (parseResult.GetValue(json))
            {
                var document = new { Run = run, Steps = steps, Signals = signals };
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(document, RunsFormat.JsonOptions)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await WriteAsync(console.Out, run, steps, signals).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WriteAsync(TextWriter output, WorkflowRun run, IReadOnlyList<WorkflowStep> steps, IReadOnlyList<WorkflowSignal> signals)
    {
        var header = new TableRenderer(new TableColumn("field", TableAlignment.Left), new TableColumn("value", TableAlignment.Left));
        header.AddRow("run", run.RunId);
        header.AddRow("workflow", string.Create(CultureInfo.InvariantCulture, $"{run.Workflow} v{run.Version}"));
        header.AddRow("status", RunsFormat.Status(run.Status) + (run.CancelRequested && !WorkflowClient.IsFinished(run.Status) ? " (cancel requested)" : string.Empty));
        if (run.ParentRunId is not null)
        {
            header.AddRow("parent", run.ParentRunId);
        }

        header.AddRow("created", RunsFormat.Time(run.CreatedAt));
        header.AddRow("updated", RunsFormat.Time(run.UpdatedAt));
        if (run.CompletedAt is { } completed)
        {
            header.AddRow("completed", $"{RunsFormat.Time(completed)} (took {RunsFormat.Duration(completed - run.CreatedAt)})");
        }

        if (run.LeaseOwner is not null || run.LeaseEpoch > 0)
        {
            header.AddRow("lease", string.Create(
                CultureInfo.InvariantCulture,
                $"owner {run.LeaseOwner ?? "(none)"}, epoch {run.LeaseEpoch}{(run.LeaseExpiresAt is { } expires && run.LeaseOwner is not null ? ", expires " + RunsFormat.Time(expires) : string.Empty)}"));
        }

        if (run.WaitingFor is not null)
        {
            header.AddRow("waiting for", run.WaitingFor);
        }

        if (run.WakeAt is { } wake)
        {
            header.AddRow("wakes at", RunsFormat.Time(wake));
        }

        if (run.Error is not null)
        {
            header.AddRow("error", RunsFormat.Shorten(run.Error, 400));
        }

        header.AddRow("input", RunsFormat.Shorten(run.InputJson, PayloadWidth));
        if (run.OutputJson is not null)
        {
            header.AddRow("output", RunsFormat.Shorten(run.OutputJson, PayloadWidth));
        }

        // The header has no column titles worth printing: drop the renderer's header and rule lines.
        var lines = header.Render().Split('\n');
        await output.WriteAsync(string.Join('\n', lines.Skip(2))).ConfigureAwait(false);

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"steps ({steps.Count})")).ConfigureAwait(false);
        if (steps.Count > 0)
        {
            var timeline = new TableRenderer(
                new TableColumn("#", TableAlignment.Right),
                new TableColumn("name"),
                new TableColumn("kind"),
                new TableColumn("status"),
                new TableColumn("attempts", TableAlignment.Right),
                new TableColumn("duration", TableAlignment.Right),
                new TableColumn("output", TableAlignment.Right),
                new TableColumn("idempotency key / error"));
            foreach (var step in steps)
            {
                timeline.AddRow(
                    step.Item >= 0 ? string.Create(CultureInfo.InvariantCulture, $"{step.Position}[{step.Item}]") : step.Position.ToString(CultureInfo.InvariantCulture),
                    step.Name,
                    RunsFormat.Status(step.Kind),
                    RunsFormat.Status(step.Status),
                    step.Attempts.ToString(CultureInfo.InvariantCulture),
                    step.CompletedAt is { } done ? RunsFormat.Duration(done - step.StartedAt) : "-",
                    step.OutputJson is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{RunsFormat.Utf8Bytes(step.OutputJson)} B"),
                    step.Error is not null
                        ? RunsFormat.Shorten($"{step.ErrorType}: {step.Error}", 80)
                        : step.IdempotencyKey ?? (step.WakeAt is { } at ? "wakes " + RunsFormat.Time(at) : string.Empty));
            }

            timeline.Write(output, "  ");
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        var pending = signals.Count(s => s.ConsumedAt is null);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"signals ({pending} pending, {signals.Count - pending} consumed)")).ConfigureAwait(false);
        if (signals.Count > 0)
        {
            var table = new TableRenderer(
                new TableColumn("seq", TableAlignment.Right),
                new TableColumn("name"),
                new TableColumn("state"),
                new TableColumn("sent"),
                new TableColumn("payload"));
            foreach (var signal in signals)
            {
                table.AddRow(
                    signal.Sequence.ToString(CultureInfo.InvariantCulture),
                    signal.Name,
                    signal.ConsumedAt is { } consumed
                        ? string.Create(CultureInfo.InvariantCulture, $"consumed at step {signal.ConsumedPosition} {RunsFormat.Time(consumed)}")
                        : "pending",
                    RunsFormat.Time(signal.SentAt),
                    RunsFormat.Shorten(signal.PayloadJson, 80));
            }

            table.Write(output, "  ");
        }
    }
}
