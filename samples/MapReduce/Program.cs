using System.Globalization;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Samples.MapReduce;

/// <summary>
/// Labels a batch of reviews with a durable map–reduce and prints the tally, which reviews were escalated, and — in
/// the <c>outage</c> scenario, where the stronger model is down — the partial-failure report.
/// </summary>
public static class Program
{
    private const string Usage = """
        Usage (from the repository root):
          dotnet run --project samples/MapReduce -- [normal|outage] [--seed <n>] [--store <path>]

          normal   the cheap model labels what it can; the reviews it fails twice go to the stronger model
          outage   the stronger model is down: escalations fail and the 90% quorum is missed
          --seed   seeds the simulated models (default 3); the same seed prints the same run
          --store  the SQLite workflow store (default reviews.db in the working directory); running the
                   same scenario and seed again prints the journaled result without calling a model
        """;

    /// <summary>Runs the sample and returns the exit code.</summary>
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out);

    /// <summary>Runs the sample, writing to <paramref name="output"/>; tests call this in-process.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where the result is printed.</param>
    /// <param name="engineTime">The workflow engine's clock; null for the system clock.</param>
    /// <returns>0 when the quorum was met, 3 when it was not, 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TimeProvider? engineTime = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var scenario = "normal";
        var seed = 3;
        string? store = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "normal" or "outage":
                    scenario = args[i];
                    break;
                case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out seed):
                    i++;
                    break;
                case "--store" when i + 1 < args.Length:
                    store = args[++i];
                    break;
                default:
                    await output.WriteLineAsync($"error: unexpected argument '{args[i]}'.\n\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }

        var settings = new TriageSettings { Seed = seed, EscalationOutage = scenario == "outage" };
        var path = Path.GetFullPath(store ?? "reviews.db");
        await using var workflowStore = new SqliteWorkflowStore(path);
        var registry = new WorkflowRegistry().Add(() => new ReviewTriageWorkflow(settings));
        var engine = new WorkflowEngineOptions { WorkerId = "sample", TimeProvider = engineTime ?? TimeProvider.System };
        var client = new WorkflowClient(workflowStore, registry, engine);

        var runId = $"triage-{scenario}-{seed}";
        await output.WriteLineAsync($"Labelling {Review.Batch.Count} reviews: primary {settings.PrimaryModel}, escalation {settings.EscalationModel}{(settings.EscalationOutage ? " (DOWN)" : "")}, " +
            $"4 at a time, 2 attempts each, quorum {settings.MinSuccessRatio:0%}; run {runId} in {path}").ConfigureAwait(false);
        await client.StartAsync<ReviewTriageWorkflow, List<Review>, TriageReport>([.. Review.Batch], new StartWorkflowOptions { RunId = runId }).ConfigureAwait(false);
        await new WorkflowWorker(workflowStore, registry, engine).RunUntilIdleAsync().ConfigureAwait(false);

        var run = await client.GetRunAsync(runId).ConfigureAwait(false);
        if (run.Status != WorkflowRunStatus.Completed)
        {
            await output.WriteLineAsync($"run {runId} ended {run.Status}: {run.Error}").ConfigureAwait(false);
            return 1;
        }

        var result = await client.GetResultAsync<TriageReport>(runId).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        foreach (var row in result.Rows)
        {
            await output.WriteLineAsync("  " + row).ConfigureAwait(false);
        }

        if (result.Counts is not null)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync("Tally: " + string.Join(", ", result.Counts.Select(c => $"{c.Key} {c.Value}"))).ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(result.Report).ConfigureAwait(false);
        var journal = await client.GetStepsAsync(runId).ConfigureAwait(false);
        await output.WriteLineAsync($"\nJournal: {journal.Count} entries ({journal.Count(s => s.Kind == StepKind.MapItem)} map items, " +
            $"{journal.Count(s => s.Name.EndsWith("(escalated)", StringComparison.Ordinal))} escalated); `nines runs show {runId} --store sqlite:{path}` shows them.").ConfigureAwait(false);
        return result.QuorumMet ? 0 : 3;
    }
}
