using System.Text.Json;
using Nines.CommandLine.Rendering;
using Nines.Evals;
using static System.FormattableString;

namespace Nines.CommandLine.Evals;

/// <summary>Turns an eval's rows into what the user sees and keeps: the summary on stdout, the files in the output
/// directory, and the exit code from the gates.</summary>
internal static class EvalResultsPresenter
{
    public const string TrialsFileName = "trials.jsonl";

    private static readonly JsonSerializerOptions _jsonLines = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,

        // Error messages quote things ('length', "total"); keep them readable in the file.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Checks every <c>--require</c> before anything runs, so a typo costs nothing.</summary>
    public static IReadOnlyList<string> ParseGates(IReadOnlyList<string> gates) => gates;

    /// <summary>Writes the summary and the files; returns the exit code.</summary>
    public static async Task<int> PresentAsync(CliConsole console, EvalSuite suite, EvalRunResult result, IReadOnlyList<string> gates, string directory, bool json, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var trialsPath = Path.Combine(directory, TrialsFileName);
        await WriteTrialsAsync(trialsPath, result.Results, cancellationToken).ConfigureAwait(false);
        var counts = result.Configurations
            .Select(name => (Name: name, Trials: result.Results.Count(r => r.Configuration == name), Passed: result.Results.Count(r => r.Configuration == name && r.Passed)))
            .ToList();
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                suite = result.SuiteName,
                runId = result.RunId,
                seed = result.Seed,
                trialsPerCase = result.Trials,
                interrupted = result.Interrupted,
                configurations = counts.Select(c => new { name = c.Name, trials = c.Trials, passed = c.Passed }),
                trialsFile = trialsPath,
            }, Commands.PlanCommand.JsonOptions)).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteLineAsync().ConfigureAwait(false);
            var table = new TableRenderer(new TableColumn("config"), new TableColumn("trials"), new TableColumn("passed"), new TableColumn("success"));
            foreach (var (name, trials, passed) in counts)
            {
                table.AddRow(name, Invariant($"{trials}"), Invariant($"{passed}"), trials == 0 ? "-" : Invariant($"{100.0 * passed / trials:F2}%"));
            }

            table.Write(console.Out);
            await console.Out.WriteLineAsync().ConfigureAwait(false);
            await console.Out.WriteLineAsync($"Trials: {trialsPath}").ConfigureAwait(false);
        }

        if (gates.Count > 0)
        {
            throw new CliUsageException("--require needs the eval statistics, which this build does not have yet.");
        }

        return ExitCodes.Success;
    }

    /// <summary>One JSON object per trial, in the row format <c>nines stats</c> reads.</summary>
    internal static async Task WriteTrialsAsync(string path, IReadOnlyList<EvalTrialResult> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path);
        foreach (var row in rows)
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(new
            {
                config = row.Configuration,
                @case = row.CaseId,
                trial = row.Trial,
                success = row.Passed,
                score = row.Score,
                failure_category = row.FailureCategory,
                error = row.Error,
                latency_ms = row.LatencyMs,
                input_tokens = row.InputTokens,
                output_tokens = row.OutputTokens,
                cost_usd = row.CostUsd,
                metrics = row.Metrics,
            }, _jsonLines).AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }
}
