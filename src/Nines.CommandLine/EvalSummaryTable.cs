using System.Globalization;
using Nines.CommandLine.Rendering;
using Nines.Evals;

namespace Nines.CommandLine;

/// <summary>
/// Prints the march-of-nines table of an eval: per configuration the trials, success rate with its interval, nines,
/// conservative nines, pass^k for a few k, latency, cost and top failure categories; then the comparisons with the
/// baseline and what the next nine would take. Used by <c>nines eval</c> and <c>nines stats</c>.
/// </summary>
internal static class EvalSummaryTable
{
    public static void Write(TextWriter writer, EvalSummary summary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.Configurations.Count == 0)
        {
            writer.WriteLine("No trials.");
            return;
        }

        var ks = EvalReportFormat.DisplayKs(summary.Configurations.Min(c => c.TrialsPerCase), max: 4).Where(k => k > 1).ToList();
        var confidence = (summary.Confidence * 100).ToString("G4", CultureInfo.InvariantCulture) + "% CI";
        var columns = new List<TableColumn>
        {
            new("config", TableAlignment.Left),
            new("trials", TableAlignment.Right),
            new("success", TableAlignment.Right),
            new(confidence, TableAlignment.Right),
            new("nines", TableAlignment.Right),
            new("cons. nines", TableAlignment.Right),
        };
        columns.AddRange(ks.Select(k => new TableColumn("pass^" + k.ToString(CultureInfo.InvariantCulture), TableAlignment.Right)));
        columns.Add(new("p50", TableAlignment.Right));
        columns.Add(new("cost/trial", TableAlignment.Right));
        columns.Add(new("top failures", TableAlignment.Left));

        var table = new TableRenderer(columns);
        foreach (var c in summary.Configurations)
        {
            var cells = new List<string>
            {
                c.Name,
                ReliabilityFormat.Count(c.Trials),
                EvalReportFormat.Percent(c.Rate),
                $"[{EvalReportFormat.Percent(c.Interval.Lower)}, {EvalReportFormat.Percent(c.Interval.Upper)}]",
                EvalReportFormat.Nines(c.Nines),
                EvalReportFormat.Nines(c.ConservativeNines),
            };
            cells.AddRange(ks.Select(k => c.PassHat(k) is { } v ? EvalReportFormat.Percent(v) : "-"));
            cells.Add(c.Latency is { } latency ? EvalReportFormat.Milliseconds(latency.P50Ms) : "-");
            cells.Add(c.CostPerTrialUsd is { } cost ? EvalReportFormat.Dollars(cost) : "-");
            cells.Add(c.FailureCategories.Count == 0
                ? "-"
                : string.Join(", ", c.FailureCategories.Take(3).Select(f => $"{f.Category} {f.Count}")));
            table.AddRow(cells);
        }

        table.Write(writer, "  ");
        writer.WriteLine();
        foreach (var comparison in summary.Comparisons)
        {
            writer.WriteLine(
                $"  {comparison.Verdict}: {EvalReportFormat.Percent(comparison.Rate)} vs {EvalReportFormat.Percent(comparison.BaselineRate)}, " +
                $"{Points(comparison.Difference)} points [{Points(comparison.DifferenceLower)}, {Points(comparison.DifferenceUpper)}] (Fisher's exact test)");
        }

        foreach (var c in summary.Configurations)
        {
            var more = c.AdditionalTrialsForNextNine is { } additional
                ? $"{ReliabilityFormat.Count(additional)} more trials, all passing"
                : "more than 10^15 more trials";
            writer.WriteLine(
                $"  next nine for {c.Name}: {EvalReportFormat.Nines(c.ConservativeNines)} -> {c.NextNine} conservative {(c.NextNine == 1 ? "nine" : "nines")} takes {more} " +
                $"(a fresh run needs {ReliabilityFormat.Count(c.ZeroFailureTrialsForNextNine)} trials with no failure)");
        }

        // Suites that measure more than pass/fail (hanoi's samples per step against the formula) report named metrics;
        // without this block they would reach only report.json and report.html.
        foreach (var c in summary.Configurations.Where(c => c.MetricMeans.Count > 0))
        {
            var metrics = c.MetricMeans.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => $"{m.Key} {m.Value.ToString("0.#####", CultureInfo.InvariantCulture)}");
            writer.WriteLine($"  metrics for {c.Name} (mean per trial): {string.Join(", ", metrics)}");
        }
    }

    private static string Points(double difference) => (difference * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
}
