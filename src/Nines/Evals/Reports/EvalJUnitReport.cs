using System.Globalization;
using System.Text;
using System.Xml;

namespace Nines.Evals;

/// <summary>
/// Renders junit.xml for CI test views: a <c>gates</c> test suite with one test case per gate (failed when the gate failed),
/// then one test suite per configuration with one test case per eval case, failed when any of its trials failed.
/// </summary>
/// <remarks>
/// A case that fails some of its trials is a failure on purpose: JUnit has no "97% passing", and a flaky case is the
/// thing to look at. Whether the eval as a whole is acceptable is what gates decide; CI should gate on the exit code of
/// <c>--require</c> (or on the <c>gates</c> suite), not on the per-case failures of a baseline that is meant to be worse.
/// </remarks>
internal static class EvalJUnitReport
{
    /// <summary>The most failed trials listed in one test case's failure text.</summary>
    internal const int MaxListedFailures = 20;

    public static void Write(Stream stream, EvalReport report)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var xml = XmlWriter.Create(stream, settings);
        var summary = report.Summary;
        var caseTests = summary.Configurations.Sum(c => c.Cases.Count);
        var caseFailures = summary.Configurations.Sum(c => c.Cases.Count(s => s.Successes < s.Trials));
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", Clean(report.SuiteName));
        xml.WriteAttributeString("tests", Int(caseTests + report.Gates.Count));
        xml.WriteAttributeString("failures", Int(caseFailures + report.Gates.Count(g => !g.Passed)));
        if (report.StartedAt is { } started && report.FinishedAt is { } finished)
        {
            xml.WriteAttributeString("time", Seconds((finished - started).TotalMilliseconds));
        }

        if (report.Gates.Count > 0)
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", Clean(report.SuiteName) + ".gates");
            xml.WriteAttributeString("tests", Int(report.Gates.Count));
            xml.WriteAttributeString("failures", Int(report.Gates.Count(g => !g.Passed)));
            xml.WriteAttributeString("errors", "0");
            foreach (var gate in report.Gates)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", Clean(report.SuiteName) + ".gates");
                xml.WriteAttributeString("name", Clean(gate.Gate));
                if (!gate.Passed)
                {
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", Clean(gate.Explanation));
                    xml.WriteAttributeString("type", "GateFailed");
                    xml.WriteString(Clean(gate.Explanation));
                    xml.WriteEndElement();
                }
                else
                {
                    xml.WriteElementString("system-out", Clean(gate.Explanation));
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        var trialsByConfiguration = report.Trials
            .GroupBy(r => r.Configuration, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToLookup(r => r.CaseId, StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var c in summary.Configurations)
        {
            var className = Clean(report.SuiteName) + "." + Clean(c.Name);
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", className);
            xml.WriteAttributeString("tests", Int(c.Cases.Count));
            xml.WriteAttributeString("failures", Int(c.Cases.Count(s => s.Successes < s.Trials)));
            xml.WriteAttributeString("errors", "0");
            xml.WriteStartElement("properties");
            Property("trials", Int(c.Trials));
            Property("success_rate", c.Rate.ToString("R", CultureInfo.InvariantCulture));
            Property("ci_lower", c.Interval.Lower.ToString("R", CultureInfo.InvariantCulture));
            Property("ci_upper", c.Interval.Upper.ToString("R", CultureInfo.InvariantCulture));
            Property("nines", EvalReportFormat.Nines(c.Nines));
            Property("conservative_nines", EvalReportFormat.Nines(c.ConservativeNines));
            xml.WriteEndElement();

            var lookup = trialsByConfiguration.TryGetValue(c.Name, out var found) ? found : null;
            foreach (var s in c.Cases)
            {
                var trials = lookup is null ? [] : lookup[s.CaseId].OrderBy(t => t.Trial).ToList();
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", className);
                xml.WriteAttributeString("name", Clean(s.CaseId));
                var latencies = trials.Where(t => t.LatencyMs is not null).Select(t => t.LatencyMs!.Value).ToList();
                if (latencies.Count > 0)
                {
                    // JUnit's time is one run of the test; the mean trial is the closest honest figure.
                    xml.WriteAttributeString("time", Seconds(latencies.Average()));
                }

                var outcome = $"{s.Successes} of {s.Trials} trials passed ({EvalReportFormat.Percent(s.Rate)})";
                if (s.Successes < s.Trials)
                {
                    var failed = trials.Where(t => !t.Passed).ToList();
                    var text = new StringBuilder();
                    foreach (var trial in failed.Take(MaxListedFailures))
                    {
                        text.Append("trial ").Append(trial.Trial).Append(": ")
                            .Append(string.IsNullOrWhiteSpace(trial.FailureCategory) ? EvalStatistics.UncategorizedFailure : trial.FailureCategory);
                        if (!string.IsNullOrWhiteSpace(trial.Error))
                        {
                            text.Append(": ").Append(trial.Error);
                        }

                        text.Append('\n');
                    }

                    if (failed.Count > MaxListedFailures)
                    {
                        text.Append(failed.Count - MaxListedFailures).Append(" more failed trials are in report.json\n");
                    }

                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", Clean($"{s.Trials - s.Successes} of {s.Trials} trials failed: " +
                        string.Join(", ", s.FailureCategories.Select(f => $"{f.Category} x{f.Count}"))));
                    xml.WriteAttributeString("type", s.Successes == 0 ? "Failed" : "Flaky");
                    xml.WriteString(Clean(text.ToString()));
                    xml.WriteEndElement();
                }

                xml.WriteElementString("system-out", Clean(outcome));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();

        void Property(string name, string value)
        {
            xml.WriteStartElement("property");
            xml.WriteAttributeString("name", name);
            xml.WriteAttributeString("value", value);
            xml.WriteEndElement();
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double milliseconds) => (milliseconds / 1000).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Replaces characters XML 1.0 cannot carry (control characters, lone surrogates) with U+FFFD, so no error message can break the file.</summary>
    internal static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        StringBuilder? clean = null;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var ok = XmlConvert.IsXmlChar(ch);
            if (!ok && char.IsHighSurrogate(ch) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], ch))
            {
                clean?.Append(ch).Append(text[i + 1]);
                i++;
                continue;
            }

            if (!ok && clean is null)
            {
                clean = new StringBuilder(text.Length).Append(text, 0, i);
            }

            clean?.Append(ok ? ch : '\uFFFD');
        }

        return clean?.ToString() ?? text;
    }
}
