using System.CommandLine;
using Nines.Evals;

namespace Nines.CommandLine.Commands;

/// <summary>
/// <c>nines stats &lt;file&gt;</c>: the eval statistics (success rate with its interval, nines, pass^k, latency, cost,
/// failure taxonomy, comparisons) of trial rows produced anywhere, from CSV, JSONL or an eval's report.json; with
/// <c>--require</c> gates that set the exit code and <c>--out</c> for the HTML, JSON and JUnit reports.
/// </summary>
internal static class StatsCommand
{
    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);

        var file = new Argument<string>("file")
        {
            Description = "Trial rows: CSV with a header, JSONL, or an eval's report.json. Columns: case, success (true/false, 1/0, pass/fail), " +
                "and optionally config (default \"default\"), trial, latency_ms, cost_usd, error, failure_category, score, input_tokens, output_tokens.",
        };
        var json = new Option<bool>("--json") { Description = "Print the statistics as JSON (pass^k under pass_hat_k keyed by k) instead of the table." };
        var require = new Option<string[]>("--require")
        {
            Description = "A gate that must hold, e.g. \"hardened.nines >= 3\", \"hardened.pass^4 >= 0.99\" or \"hardened > baseline\"; repeatable. " +
                "A failed gate exits with 3.",
            HelpName = "gate",
        };
        var output = new Option<string>("--out") { Description = "Also write report.json, report.html and junit.xml into this directory.", HelpName = "dir" };
        var baseline = new Option<string>("--baseline") { Description = "The configuration the others are compared with (default: the first in the file).", HelpName = "config" };
        var confidence = CliNumbers.DoubleOption("--confidence", "Confidence level of the intervals (default 0.95).", "c");
        var alpha = CliNumbers.DoubleOption("--alpha", "Significance level of the comparisons and of 'a > b' gates (default 0.05).", "a");

        var command = new Command(
            "stats",
            "Statistics of trial results produced anywhere: success rate with its Wilson interval, nines, pass@k and pass^k, latency, cost, " +
            "failure taxonomy and significance between configurations. Example: nines stats results.csv --require \"hardened.nines >= 2\"");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.Options.Add(require);
        command.Options.Add(output);
        command.Options.Add(baseline);
        command.Options.Add(confidence);
        command.Options.Add(alpha);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // Gates first: a typo in a gate is reported before any work.
            var gates = (parseResult.GetValue(require) ?? []).Select(EvalGate.Parse).ToList();
            var options = new EvalStatisticsOptions { Baseline = parseResult.GetValue(baseline) };
            if (parseResult.GetValue(confidence) is { } c)
            {
                options.Confidence = c;
            }

            if (parseResult.GetValue(alpha) is { } a)
            {
                options.SignificanceLevel = a;
            }

            var path = parseResult.GetValue(file)!;
            var rows = await TrialResultsFile.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            var summary = EvalStatistics.Compute(rows, options);
            var results = gates.Select(g => g.Evaluate(summary)).ToList();

            if (parseResult.GetValue(output) is { } directory)
            {
                var report = new EvalReport(Path.GetFileName(path), summary, rows) { Gates = results };
                var files = await EvalReportWriter.WriteAsync(report, directory, cancellationToken).ConfigureAwait(false);
                await console.Error.WriteLineAsync($"reports: {files.HtmlPath}, {files.JsonPath}, {files.JUnitPath}").ConfigureAwait(false);
            }

            if (parseResult.GetValue(json))
            {
                await console.Out.WriteLineAsync(EvalJson.Summary(summary, results)).ConfigureAwait(false);
            }
            else
            {
                EvalSummaryTable.Write(console.Out, summary);
                if (results.Count > 0)
                {
                    await console.Out.WriteLineAsync().ConfigureAwait(false);
                    foreach (var result in results)
                    {
                        await console.Out.WriteLineAsync($"  {(result.Passed ? "PASS" : "FAIL")}  {result.Gate}: {result.Explanation}").ConfigureAwait(false);
                    }
                }
            }

            var failed = results.Where(r => !r.Passed).ToList();
            foreach (var result in failed)
            {
                await console.Error.WriteLineAsync($"gate failed: {result.Gate}: {result.Explanation}").ConfigureAwait(false);
            }

            return failed.Count == 0 ? ExitCodes.Success : ExitCodes.GateFailed;
        });
        return command;
    }
}
