using System.Globalization;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Samples.OrchestratorWorkers;

/// <summary>
/// Writes a launch brief with a durable orchestrator–workers run and prints the plan, each worker's outcome, the brief
/// and the model calls — or, in the <c>degraded</c> scenario (weak workers, no escalation), the partial-failure report.
/// </summary>
public static class Program
{
    private const string Usage = """
        Usage (from the repository root):
          dotnet run --project samples/OrchestratorWorkers -- [normal|degraded] [--product <name>] [--seed <n>] [--store <path>]

          normal     workers on sim:p=0.3,wrong=0, two attempts each, then escalation to sim:perfect
          degraded   workers on sim:p=0.1,wrong=0 with no escalation: too few subtasks are answered, no brief is written
          --product  what the brief is about (default "the Lift desk")
          --seed     seeds the simulated models (default 1); the same seed prints the same run
          --store    the SQLite workflow store (default briefs.db in the working directory); running the same
                     scenario, product and seed again prints the journaled result without calling a model
        """;

    /// <summary>Runs the sample and returns the exit code.</summary>
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out);

    /// <summary>Runs the sample, writing to <paramref name="output"/>; tests call this in-process.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where the result is printed.</param>
    /// <param name="engineTime">The workflow engine's clock; null for the system clock.</param>
    /// <returns>0 when a brief was written, 3 when the quorum was missed, 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TimeProvider? engineTime = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var scenario = "normal";
        var product = "the Lift desk";
        var seed = 1;
        string? store = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "normal" or "degraded":
                    scenario = args[i];
                    break;
                case "--product" when i + 1 < args.Length:
                    product = args[++i];
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

        var settings = scenario == "degraded"
            ? new BriefSettings { Seed = seed, WorkerModel = "p=0.1,wrong=0", EscalationModel = null }
            : new BriefSettings { Seed = seed };
        var models = new ModelPool(settings);
        var path = Path.GetFullPath(store ?? "briefs.db");
        await using var workflowStore = new SqliteWorkflowStore(path);
        var registry = new WorkflowRegistry().Add(() => new LaunchBriefWorkflow(settings, models));
        var engine = new WorkflowEngineOptions { WorkerId = "sample", TimeProvider = engineTime ?? TimeProvider.System };
        var client = new WorkflowClient(workflowStore, registry, engine);

        var runId = $"brief-{scenario}-{seed}-{Slug(product)}";
        await output.WriteLineAsync($"Launch brief for {product}: planner and synthesiser sim:{settings.LeadModel}, workers sim:{settings.WorkerModel} " +
            $"(3 at a time, 2 attempts), escalation {(settings.EscalationModel is null ? "none" : "sim:" + settings.EscalationModel)}, quorum {settings.MinSuccessRatio:0%}; run {runId} in {path}").ConfigureAwait(false);
        await client.StartAsync<LaunchBriefWorkflow, string, BriefResult>(product, new StartWorkflowOptions { RunId = runId }).ConfigureAwait(false);
        await new WorkflowWorker(workflowStore, registry, engine).RunUntilIdleAsync().ConfigureAwait(false);

        var run = await client.GetRunAsync(runId).ConfigureAwait(false);
        if (run.Status != WorkflowRunStatus.Completed)
        {
            await output.WriteLineAsync($"run {runId} ended {run.Status}: {run.Error}").ConfigureAwait(false);
            return 1;
        }

        var result = await client.GetResultAsync<BriefResult>(runId).ConfigureAwait(false);
        if (result.Plan.Count > 0)
        {
            await output.WriteLineAsync($"\nPlan: {string.Join(", ", result.Plan.Select(s => s.Topic))}\n").ConfigureAwait(false);
        }

        foreach (var line in result.Workers)
        {
            await output.WriteLineAsync("  " + line).ConfigureAwait(false);
        }

        if (result.Brief is { } brief)
        {
            await output.WriteLineAsync($"\nBrief: {brief.Headline}\n  covered: {string.Join(", ", brief.Covered)}\n  gaps: {(brief.Gaps.Count == 0 ? "none" : string.Join(", ", brief.Gaps))}").ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(result.Report).ConfigureAwait(false);
        var calls = models.Calls;
        await output.WriteLineAsync($"\nModel calls in this process: lead {calls.GetValueOrDefault("lead")}, workers {calls.GetValueOrDefault("worker")}, escalation {calls.GetValueOrDefault("escalation")}" +
            $"; `nines runs show {runId} --store sqlite:{path}` shows the journal.").ConfigureAwait(false);
        return result.Brief is null ? 3 : 0;
    }

    private static string Slug(string text) =>
        string.Concat(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');
}
