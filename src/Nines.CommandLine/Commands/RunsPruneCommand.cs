using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nines.CommandLine.Rendering;
using Nines.CommandLine.Storage;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines runs prune --older-than 30d</c>: deletes finished runs, optionally archiving each as one JSON line first.</summary>
internal static class RunsPruneCommand
{
    private static readonly WorkflowRunStatus[] _finished = [WorkflowRunStatus.Completed, WorkflowRunStatus.Failed, WorkflowRunStatus.Cancelled];

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var olderThan = new Option<string>("--older-than")
        {
            Description = $"Prune runs that finished longer ago than this: {CliDurations.Examples}.",
            HelpName = "duration",
            Required = true,
        };
        var archive = new Option<string?>("--archive") { Description = "Append each pruned run (with its steps and signals) to this file as one JSON line before deleting it.", HelpName = "file.jsonl" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the runs that would be pruned; change nothing." };
        var store = StoreSpec.CreateOption(RunsCommand.StoreDescription);

        var command = new Command("prune", "Delete completed, failed and cancelled runs that finished before a cutoff (never unfinished runs or children of unfinished parents).");
        foreach (var option in new Option[] { olderThan, archive, dryRun, store })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var age = CliDurations.Parse(parseResult.GetValue(olderThan)!, "--older-than");
            var cutoff = console.TimeProvider.GetUtcNow() - age;
            var archivePath = parseResult.GetValue(archive) is { } file ? Path.GetFullPath(file) : null;
            if (archivePath is not null && Path.GetDirectoryName(archivePath) is { } directory && !Directory.Exists(directory))
            {
                throw new CliUsageException($"--archive {archivePath}: the directory {directory} does not exist; create it or choose another file.");
            }

            var spec = StoreSpec.Parse(parseResult.GetValue(store));
            await using var opened = await spec.OpenExistingAsync(console.TimeProvider, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(dryRun))
            {
                return await DryRunAsync(console, opened, cutoff, archivePath, cancellationToken).ConfigureAwait(false);
            }

            WorkflowPruneResult result;
            if (archivePath is null)
            {
                result = await opened.PruneAsync(cutoff, archive: null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Opened before the prune starts, so a file we cannot write stops it before anything is deleted.
                var stream = new FileStream(archivePath, FileMode.Append, FileAccess.Write, FileShare.Read);
                await using (stream.ConfigureAwait(false))
                {
                    result = await opened.PruneAsync(cutoff, (run, ct) => AppendAsync(stream, run, ct), cancellationToken).ConfigureAwait(false);
                }
            }

            var archived = archivePath is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; archived {result.RunsArchived} to {archivePath}");
            await console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"pruned {result.RunsDeleted} run(s) that finished before {RunsFormat.Time(cutoff)} from {opened.Description}{archived}.")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Appends one run as a JSON line and forces it to disk, because the store deletes the run right after.</summary>
    private static async Task AppendAsync(FileStream stream, ArchivedWorkflowRun run, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(run, RunsFormat.JsonLineOptions) + "\n");
        await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }

    private static async Task<int> DryRunAsync(CliConsole console, IWorkflowStore store, DateTimeOffset cutoff, string? archivePath, CancellationToken cancellationToken)
    {
        // The same rule as PruneAsync: finished before the cutoff, and no unfinished parent.
        const int Page = 500;
        var candidates = new List<WorkflowRun>();
        for (var offset = 0; ; offset += Page)
        {
            var page = await store.ListRunsAsync(new WorkflowRunQuery { Statuses = _finished, Limit = Page, Offset = offset }, cancellationToken).ConfigureAwait(false);
            foreach (var run in page.Where(r => r.CompletedAt < cutoff))
            {
                if (run.ParentRunId is { } parentId
                    && await store.GetRunAsync(parentId, cancellationToken).ConfigureAwait(false) is { } parent
                    && !WorkflowClient.IsFinished(parent.Status))
                {
                    continue;
                }

                candidates.Add(run);
            }

            if (page.Count < Page)
            {
                break;
            }
        }

        if (candidates.Count > 0)
        {
            var table = new TableRenderer(new TableColumn("id"), new TableColumn("workflow"), new TableColumn("status"), new TableColumn("completed"));
            foreach (var run in candidates.OrderBy(r => r.CompletedAt))
            {
                table.AddRow(run.RunId, string.Create(CultureInfo.InvariantCulture, $"{run.Workflow} v{run.Version}"), RunsFormat.Status(run.Status), RunsFormat.Time(run.CompletedAt));
            }

            table.Write(console.Out);
        }

        var archived = archivePath is null ? string.Empty : $" and archived to {archivePath}";
        await console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"dry run: {candidates.Count} run(s) that finished before {RunsFormat.Time(cutoff)} would be pruned from {store.Description}{archived}; nothing was changed.")).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
