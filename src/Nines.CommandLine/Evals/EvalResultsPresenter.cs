using System.Text.Json;
using System.Text.Json.Nodes;
using Nines.Evals;

namespace Nines.CommandLine.Evals;

/// <summary>Turns an eval's rows into what the user sees and keeps: the march-of-nines table (or JSON) on stdout, the
/// reports in the output directory, and the exit code from the gates.</summary>
internal static class EvalResultsPresenter
{
    public const string TrialsFileName = "trials.jsonl";

    /// <summary>Parses every <c>--require</c> before anything runs, so a typo costs nothing (a bad gate is a usage error).</summary>
    public static IReadOnlyList<EvalGate> ParseGates(IReadOnlyList<string> gates) => [.. gates.Select(EvalGate.Parse)];

    /// <summary>Computes the statistics, prints them, writes report.json, report.html, junit.xml and trials.jsonl, applies the
    /// gates; returns the exit code (<see cref="ExitCodes.GateFailed"/> when a gate failed).</summary>
    public static async Task<int> PresentAsync(CliConsole console, EvalSuite suite, EvalRunResult result, IReadOnlyList<EvalGate> gates, string directory, bool json, CancellationToken cancellationToken)
    {
        var summary = EvalStatistics.Compute(result.Results);
        var gateResults = gates.Select(g => g.Evaluate(summary)).ToList();
        var report = new EvalReport(suite.Name, summary, result.Results)
        {
            Description = suite.Description,
            Seed = result.Seed,
            TrialsPerCase = result.Trials,
            Configurations = [.. suite.Configurations.Where(c => result.Configurations.Contains(c.Name)).Select(c => new EvalReportConfiguration(c.Name, c.Description))],
            StartedAt = result.StartedAt,
            FinishedAt = result.FinishedAt,
            Interrupted = result.Interrupted,
            Gates = gateResults,
        };
        var files = await EvalReportWriter.WriteAsync(report, directory, cancellationToken).ConfigureAwait(false);
        var trialsPath = Path.Combine(directory, TrialsFileName);
        await WriteTrialsAsync(trialsPath, result.Results, cancellationToken).ConfigureAwait(false);

        if (json)
        {
            // The same statistics JSON as `nines stats --json`, plus what only a run knows.
            var document = JsonNode.Parse(EvalJson.Summary(summary, gateResults))!.AsObject();
            document["suite"] = suite.Name;
            document["run_id"] = result.RunId;
            document["seed"] = result.Seed;
            document["interrupted"] = result.Interrupted;
            document["total_trials"] = result.TotalTrials;
            document["reports"] = new JsonObject { ["html"] = files.HtmlPath, ["json"] = files.JsonPath, ["junit"] = files.JUnitPath, ["trials"] = trialsPath };
            await console.Out.WriteLineAsync(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteLineAsync().ConfigureAwait(false);
            EvalSummaryTable.Write(console.Out, summary);
            if (gateResults.Count > 0)
            {
                await console.Out.WriteLineAsync().ConfigureAwait(false);
                foreach (var gate in gateResults)
                {
                    await console.Out.WriteLineAsync($"  {(gate.Passed ? "PASS" : "FAIL")}  {gate.Gate}: {gate.Explanation}").ConfigureAwait(false);
                }
            }

            await console.Out.WriteLineAsync().ConfigureAwait(false);
        }

        await console.Error.WriteLineAsync($"Reports: {files.HtmlPath}, {files.JsonPath}, {files.JUnitPath}").ConfigureAwait(false);
        if (result.RunId is not null)
        {
            await console.Error.WriteLineAsync($"Journal: run {result.RunId}").ConfigureAwait(false);
        }

        var failed = gateResults.Where(g => !g.Passed).ToList();
        foreach (var gate in failed)
        {
            await console.Error.WriteLineAsync($"gate failed: {gate.Gate}: {gate.Explanation}").ConfigureAwait(false);
        }

        return failed.Count == 0 ? ExitCodes.Success : ExitCodes.GateFailed;
    }

    /// <summary>One JSON object per trial, in the row format <c>nines stats</c> reads (the same writer as report.json's rows).</summary>
    internal static Task WriteTrialsAsync(string path, IReadOnlyList<EvalTrialResult> rows, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var file = File.Create(path);
        EvalJson.TrialLines(file, rows);
        return Task.CompletedTask;
    }
}
