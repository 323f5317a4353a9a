using System.CommandLine;
using System.Text.Json;
using Nines.CommandLine.Rendering;
using Nines.CommandLine.Storage;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines runs list</c>: runs in a store, newest first, filtered by status and workflow.</summary>
internal static class RunsListCommand
{
    private static readonly string _statusNames = string.Join(",", Enum.GetValues<WorkflowRunStatus>().Select(RunsFormat.Status));

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var status = new Option<string?>("--status") { Description = $"Only runs with these statuses, comma-separated: {_statusNames}.", HelpName = "statuses" };
        var workflow = new Option<string?>("--workflow") { Description = "Only runs of this workflow.", HelpName = "name" };
        var limit = new Option<int>("--limit") { Description = "At most this many runs (newest first).", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the runs as a JSON array." };
        var store = StoreSpec.CreateOption(RunsCommand.StoreDescription);

        var command = new Command("list", "List runs, newest first: id, workflow, version, status, what each waits for or why it failed.");
        foreach (var option in new Option[] { status, workflow, limit, json, store })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var max = parseResult.GetValue(limit);
            if (max < 1)
            {
                throw new CliUsageException($"--limit must be at least 1 (got {max}).");
            }

            var query = new WorkflowRunQuery
            {
                Statuses = ParseStatuses(parseResult.GetValue(status)),
                Workflow = parseResult.GetValue(workflow),
                Limit = max,
            };
            var spec = StoreSpec.Parse(parseResult.GetValue(store));
            await using var opened = await spec.OpenExistingAsync(console.TimeProvider, cancellationToken).ConfigureAwait(false);
            var runs = await opened.ListRunsAsync(query, cancellationToken).ConfigureAwait(false);

            if (parseResult.GetValue(json))
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(runs, RunsFormat.JsonOptions)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (runs.Count == 0)
            {
                await console.Out.WriteLineAsync($"no runs{(query.Statuses is null && query.Workflow is null ? string.Empty : " match")} in {opened.Description}.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new TableRenderer(
                new TableColumn("id"),
                new TableColumn("workflow"),
                new TableColumn("version", TableAlignment.Right),
                new TableColumn("status"),
                new TableColumn("waiting for / error"),
                new TableColumn("created"),
                new TableColumn("updated"));
            foreach (var run in runs)
            {
                table.AddRow(
                    run.RunId,
                    run.Workflow,
                    "v" + run.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    RunsFormat.Status(run.Status) + (run.CancelRequested && !WorkflowClient.IsFinished(run.Status) ? " (cancelling)" : string.Empty),
                    RunsFormat.Shorten(run.WaitingFor ?? run.Error, 60),
                    RunsFormat.Time(run.CreatedAt),
                    RunsFormat.Time(run.UpdatedAt));
            }

            table.Write(console.Out);
            if (runs.Count == max)
            {
                await console.Error.WriteLineAsync($"showing the newest {max}; pass --limit to see more.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static IReadOnlyCollection<WorkflowRunStatus>? ParseStatuses(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var statuses = new HashSet<WorkflowRunStatus>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<WorkflowRunStatus>(name, ignoreCase: true, out var value) || !Enum.IsDefined(value) || !char.IsAsciiLetter(name[0]))
            {
                throw new CliUsageException($"--status has an unknown status '{name}'; use one or more of {_statusNames}, comma-separated.");
            }

            statuses.Add(value);
        }

        return statuses;
    }
}
