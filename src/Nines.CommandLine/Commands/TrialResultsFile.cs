using System.Globalization;
using System.Text;
using System.Text.Json;
using Nines.Evals;

namespace Nines.CommandLine.Commands;

/// <summary>
/// Reads trial rows for <c>nines stats</c> from CSV with a header, JSONL (one object per line), or an eval's report.json.
/// Every malformed row is collected with its line number and reported in one error, so nothing is half-computed.
/// </summary>
internal static class TrialResultsFile
{
    /// <summary>The most problems one error lists; the rest are counted.</summary>
    internal const int MaxReportedProblems = 20;

    internal const string DefaultConfiguration = "default";

    /// <summary>Reads <paramref name="path"/>; the format follows the extension (.csv, .jsonl/.ndjson, .json) or, failing that, the first character.</summary>
    public static async Task<IReadOnlyList<EvalTrialResult>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The results file '{path}' does not exist; give a CSV or JSONL file of trial rows (columns case, trial, success, ...).", path);
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, Path.GetFileName(path), Path.GetExtension(path).ToLowerInvariant());
    }

    internal static IReadOnlyList<EvalTrialResult> Parse(string text, string name, string extension)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.Length == 0)
        {
            throw new CliUsageException($"{name} is empty: it needs a header line (case,trial,success,...) and at least one trial row, or one JSON object per line.");
        }

        var looksJson = trimmed[0] == '{' || trimmed[0] == '[';
        if (extension is ".jsonl" or ".ndjson" or ".json" || (extension != ".csv" && looksJson))
        {
            if (TryReadReport(trimmed, name) is { } report)
            {
                return report;
            }

            return Validate(ReadJsonLines(text), name);
        }

        return Validate(ReadCsv(text), name);
    }

    /// <summary>A report.json's trial rows, or null when the text is not one JSON document with a <c>trials</c> array.</summary>
    private static IReadOnlyList<EvalTrialResult>? TryReadReport(string text, string name)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("trials", out var trials) || trials.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var rows = new List<Row>();
            var index = 0;
            foreach (var element in trials.EnumerateArray())
            {
                index++;
                rows.Add(FromJson(element, $"trials[{index - 1}]"));
            }

            return Validate(rows, name);
        }
    }

    private static List<Row> ReadJsonLines(string text)
    {
        var rows = new List<Row>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0)
            {
                continue;
            }

            var where = "line " + (i + 1).ToString(CultureInfo.InvariantCulture);
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    rows.Add(Row.Bad(where, "is not a JSON object"));
                    continue;
                }

                rows.Add(FromJson(document.RootElement, where));
            }
            catch (JsonException ex)
            {
                rows.Add(Row.Bad(where, "is not valid JSON (" + ex.Message.Split(" LineNumber", 2)[0].TrimEnd('.') + ")"));
            }
        }

        return rows;
    }

    private static Row FromJson(JsonElement element, string where)
    {
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, double>? metrics = null;
        var problems = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            var key = Canonical(property.Name);
            if (key == "metrics" && property.Value.ValueKind == JsonValueKind.Object)
            {
                metrics = [];
                foreach (var metric in property.Value.EnumerateObject())
                {
                    if (metric.Value.ValueKind == JsonValueKind.Number)
                    {
                        metrics[metric.Name] = metric.Value.GetDouble();
                    }
                    else if (metric.Value.ValueKind != JsonValueKind.Null)
                    {
                        problems.Add($"metric '{metric.Name}' is not a number");
                    }
                }

                continue;
            }

            fields[key] = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => property.Value.GetString(),
                _ => property.Value.GetRawText(),
            };
        }

        var row = FromFields(fields, where);
        return problems.Count == 0 ? row with { Metrics = metrics } : Row.Bad(where, string.Join("; ", problems.Prepend(row.Problem).OfType<string>()));
    }

    private static List<Row> ReadCsv(string text)
    {
        var lines = text.Split('\n');
        var headerIndex = Array.FindIndex(lines, l => l.Trim().TrimStart('\uFEFF').Length > 0);
        var header = SplitCsv(lines[headerIndex].TrimEnd('\r').TrimStart('\uFEFF'), out var headerProblem);
        if (headerProblem is not null)
        {
            throw new CliUsageException($"line {headerIndex + 1}: the header {headerProblem}.");
        }

        var columns = header.Select(h => Canonical(h.Trim())).ToArray();
        var missing = new[] { "case", "success" }.Where(required => !columns.Contains(required)).ToList();
        if (missing.Count > 0)
        {
            throw new CliUsageException(
                $"line {headerIndex + 1}: the header has no {string.Join(" or ", missing)} column; the first line must name the columns, " +
                "for example 'config,case,trial,success,latency_ms,cost_usd,error' (case and success are required).");
        }

        var rows = new List<Row>();
        for (var i = headerIndex + 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var where = "line " + (i + 1).ToString(CultureInfo.InvariantCulture);
            var cells = SplitCsv(line, out var problem);
            if (problem is not null)
            {
                rows.Add(Row.Bad(where, problem));
                continue;
            }

            if (cells.Count != columns.Length)
            {
                rows.Add(Row.Bad(where, $"has {cells.Count} fields but the header has {columns.Length}"));
                continue;
            }

            var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var c = 0; c < columns.Length; c++)
            {
                fields[columns[c]] = cells[c];
            }

            rows.Add(FromFields(fields, where));
        }

        return rows;
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote; a field may not span lines).</summary>
    internal static List<string> SplitCsv(string line, out string? problem)
    {
        problem = null;
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < line.Length)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i += 2;
                    continue;
                }

                if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"' && cell.ToString().Trim().Length == 0)
            {
                cell.Clear();
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }

            i++;
        }

        if (quoted)
        {
            problem = "has a quoted field that is not closed (fields may not span lines)";
        }

        cells.Add(cell.ToString());
        return cells;
    }

    private static string Canonical(string column) => column.Trim().ToLowerInvariant() switch
    {
        "configuration" => "config",
        "case_id" or "id" => "case",
        "passed" or "pass" or "ok" => "success",
        "category" => "failure_category",
        var other => other,
    };

    private static Row FromFields(Dictionary<string, string?> fields, string where)
    {
        var problems = new List<string>();
        var caseId = Value("case");
        if (caseId is null)
        {
            problems.Add("case is missing");
        }

        var configuration = Value("config") ?? DefaultConfiguration;
        int? trial = null;
        if (Value("trial") is { } trialText)
        {
            if (int.TryParse(trialText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && t >= 0)
            {
                trial = t;
            }
            else
            {
                problems.Add($"trial '{trialText}' is not a whole number >= 0");
            }
        }

        var passed = false;
        if (Value("success") is not { } successText)
        {
            problems.Add("success is missing (true/false, 1/0 or pass/fail)");
        }
        else if (ParseSuccess(successText) is { } success)
        {
            passed = success;
        }
        else
        {
            problems.Add($"success '{successText}' is not true/false, 1/0 or pass/fail");
        }

        var latency = Number("latency_ms", nonNegative: true);
        var cost = Number("cost_usd", nonNegative: true);
        var score = Number("score", nonNegative: false);
        var input = Count("input_tokens");
        var output = Count("output_tokens");
        var error = Value("error");
        var category = Value("failure_category");
        if (!passed && category is null && error is not null)
        {
            // Without a category, the error's first line names the failure: tools that write "timeout" or "wrong answer" get a taxonomy.
            var first = error.Split('\n', 2)[0].Trim();
            category = first.Length > 80 ? first[..79] + "…" : first;
        }

        if (problems.Count > 0)
        {
            return Row.Bad(where, string.Join("; ", problems));
        }

        return new Row(where, null, new EvalTrialResult(
            configuration, caseId!, trial ?? -1, passed, score, passed ? null : category, error, latency, input, output, cost), trial is null);

        string? Value(string key) => fields.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        double? Number(string key, bool nonNegative)
        {
            if (Value(key) is not { } text)
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && (!nonNegative || value >= 0))
            {
                return value;
            }

            problems.Add($"{key} '{text}' is not a{(nonNegative ? " non-negative" : string.Empty)} number");
            return null;
        }

        long Count(string key)
        {
            if (Value(key) is not { } text)
            {
                return 0;
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return value;
            }

            problems.Add($"{key} '{text}' is not a whole number >= 0");
            return 0;
        }
    }

    internal static bool? ParseSuccess(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "pass" or "passed" or "yes" or "ok" or "success" => true,
        "false" or "0" or "fail" or "failed" or "no" or "failure" => false,
        _ => null,
    };

    private static List<EvalTrialResult> Validate(List<Row> rows, string name)
    {
        var problems = rows.Where(r => r.Problem is not null).Select(r => $"{r.Where}: {r.Problem}").ToList();
        var good = rows.Where(r => r.Result is not null).ToList();

        // Rows without a trial number are numbered in file order within their configuration and case.
        var next = new Dictionary<(string, string), int>();
        var seen = new Dictionary<(string, string, int), string>();
        var results = new List<EvalTrialResult>(good.Count);
        foreach (var row in good)
        {
            var result = row.Result!;
            var key = (result.Configuration, result.CaseId);
            if (row.Numbered)
            {
                result = result with { Trial = next.GetValueOrDefault(key) };
            }

            next[key] = Math.Max(next.GetValueOrDefault(key), result.Trial + 1);
            if (seen.TryGetValue((result.Configuration, result.CaseId, result.Trial), out var first))
            {
                problems.Add($"{row.Where}: config '{result.Configuration}', case '{result.CaseId}', trial {result.Trial} repeats {first}");
            }
            else
            {
                seen[(result.Configuration, result.CaseId, result.Trial)] = row.Where;
            }

            results.Add(result with { Metrics = row.Metrics });
        }

        if (problems.Count > 0)
        {
            var shown = string.Join("; ", problems.Take(MaxReportedProblems));
            var more = problems.Count > MaxReportedProblems ? $"; and {problems.Count - MaxReportedProblems} more" : string.Empty;
            throw new CliUsageException(
                $"{name} has {problems.Count} malformed {(problems.Count == 1 ? "row" : "rows")}, so nothing was computed: {shown}{more}. " +
                "Each row needs case and success (true/false, 1/0, pass/fail), and optionally config, trial, latency_ms, cost_usd, error.");
        }

        if (results.Count == 0)
        {
            throw new CliUsageException($"{name} has no trial rows: after the header, add one row per trial (case, success, ...).");
        }

        return results;
    }

    private sealed record Row(string Where, string? Problem, EvalTrialResult? Result, bool Numbered = false)
    {
        public IReadOnlyDictionary<string, double>? Metrics { get; init; }

        public static Row Bad(string where, string problem) => new(where, problem, null);
    }
}
