using System.Globalization;
using System.Text.Json;

namespace Nines.Evals;

/// <summary>
/// Writes eval statistics and reports as JSON with snake_case names (schema in docs/evals.md). Written by hand with
/// <see cref="Utf8JsonWriter"/> so that infinite nines become <c>null</c>, pass^k is keyed by k, and the field order is stable.
/// </summary>
internal static class EvalJson
{
    /// <summary>The version of the report.json and <c>nines stats --json</c> schema; raised when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 1;

    public static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    /// <summary>The <c>nines stats --json</c> document: the schema version and the summary's fields.</summary>
    public static string Summary(EvalSummary summary, IReadOnlyList<EvalGateResult>? gates = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schema_version", SchemaVersion);
            WriteSummaryFields(writer, summary);
            if (gates is not null)
            {
                WriteGates(writer, gates);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    // Trial lines are read by people too (grep, less): error messages quote things, so keep quotes and apostrophes as they are.
    private static readonly JsonWriterOptions _lineOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes one JSON object per trial and line (trials.jsonl): the same row report.json's <c>trials</c> holds, which
    /// <c>nines stats</c> reads.</summary>
    public static void TrialLines(Stream stream, IEnumerable<EvalTrialResult> rows)
    {
        using var writer = new Utf8JsonWriter(stream, _lineOptions);
        foreach (var row in rows)
        {
            WriteTrial(writer, row);
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset();
        }
    }

    /// <summary>The report.json document.</summary>
    public static void Report(Stream stream, EvalReport report)
    {
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("schema_version", SchemaVersion);
        writer.WriteStartObject("suite");
        writer.WriteString("name", report.SuiteName);
        writer.WriteString("description", report.Description);
        WriteNullable(writer, "seed", report.Seed);
        WriteNullable(writer, "trials_per_case", report.TrialsPerCase);
        writer.WriteStartArray("configurations");
        foreach (var configuration in report.Summary.Configurations)
        {
            writer.WriteStartObject();
            writer.WriteString("name", configuration.Name);
            writer.WriteString("description", report.DescriptionOf(configuration.Name));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        WriteNullable(writer, "started_at", report.StartedAt);
        WriteNullable(writer, "finished_at", report.FinishedAt);
        writer.WriteBoolean("interrupted", report.Interrupted);
        writer.WriteStartObject("statistics");
        WriteSummaryFields(writer, report.Summary);
        writer.WriteEndObject();
        WriteGates(writer, report.Gates);
        writer.WriteStartArray("trials");
        foreach (var trial in report.Trials)
        {
            WriteTrial(writer, trial);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteSummaryFields(Utf8JsonWriter writer, EvalSummary summary)
    {
        writer.WriteNumber("confidence", summary.Confidence);
        writer.WriteNumber("significance_level", summary.SignificanceLevel);
        writer.WriteString("baseline", summary.Baseline);
        writer.WriteStartArray("configurations");
        foreach (var c in summary.Configurations)
        {
            writer.WriteStartObject();
            writer.WriteString("name", c.Name);
            writer.WriteNumber("trials", c.Trials);
            writer.WriteNumber("successes", c.Successes);
            writer.WriteNumber("failures", c.Failures);
            writer.WriteNumber("rate", c.Rate);
            writer.WriteNumber("ci_lower", c.Interval.Lower);
            writer.WriteNumber("ci_upper", c.Interval.Upper);
            WriteFinite(writer, "nines", c.Nines);
            WriteFinite(writer, "conservative_nines", c.ConservativeNines);
            writer.WriteNumber("cases", c.Cases.Count);
            writer.WriteNumber("trials_per_case", c.TrialsPerCase);
            WriteByK(writer, "pass_hat_k", c.PassHatK);
            WriteByK(writer, "pass_at_k", c.PassAtK);
            writer.WriteNumber("next_nine", c.NextNine);
            writer.WriteNumber("zero_failure_trials_for_next_nine", c.ZeroFailureTrialsForNextNine);
            WriteNullable(writer, "additional_trials_for_next_nine", c.AdditionalTrialsForNextNine);
            if (c.Latency is { } latency)
            {
                writer.WriteStartObject("latency_ms");
                writer.WriteNumber("count", latency.Count);
                writer.WriteNumber("p50", latency.P50Ms);
                writer.WriteNumber("p95", latency.P95Ms);
                writer.WriteNumber("p99", latency.P99Ms);
                writer.WriteNumber("min", latency.MinMs);
                writer.WriteNumber("max", latency.MaxMs);
                writer.WriteNumber("mean", latency.MeanMs);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("latency_ms");
            }

            writer.WriteNumber("input_tokens", c.InputTokens);
            writer.WriteNumber("output_tokens", c.OutputTokens);
            writer.WriteNumber("tokens_per_trial", c.TokensPerTrial);
            WriteNullable(writer, "cost_usd", c.CostUsd);
            WriteNullable(writer, "cost_per_trial_usd", c.CostPerTrialUsd);
            WriteNullable(writer, "mean_score", c.MeanScore);
            writer.WriteStartObject("metrics");
            foreach (var (name, mean) in c.MetricMeans)
            {
                WriteFinite(writer, name, mean);
            }

            writer.WriteEndObject();
            WriteTaxonomy(writer, c.FailureCategories);
            writer.WriteStartArray("cases");
            foreach (var s in c.Cases)
            {
                writer.WriteStartObject();
                writer.WriteString("case", s.CaseId);
                writer.WriteNumber("trials", s.Trials);
                writer.WriteNumber("successes", s.Successes);
                writer.WriteNumber("rate", s.Rate);
                writer.WriteNumber("ci_lower", s.Interval.Lower);
                writer.WriteNumber("ci_upper", s.Interval.Upper);
                WriteTaxonomy(writer, s.FailureCategories);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("comparisons");
        foreach (var comparison in summary.Comparisons)
        {
            writer.WriteStartObject();
            writer.WriteString("configuration", comparison.Configuration);
            writer.WriteString("baseline", comparison.Baseline);
            writer.WriteNumber("rate", comparison.Rate);
            writer.WriteNumber("baseline_rate", comparison.BaselineRate);
            writer.WriteNumber("difference", comparison.Difference);
            writer.WriteNumber("difference_ci_lower", comparison.DifferenceLower);
            writer.WriteNumber("difference_ci_upper", comparison.DifferenceUpper);
            writer.WriteNumber("p_value", comparison.PValue);
            writer.WriteNumber("significance_level", comparison.SignificanceLevel);
            writer.WriteString("outcome", OutcomeName(comparison.Outcome));
            writer.WriteString("verdict", comparison.Verdict);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    internal static string OutcomeName(EvalComparisonOutcome outcome) => outcome switch
    {
        EvalComparisonOutcome.Better => "better",
        EvalComparisonOutcome.Worse => "worse",
        _ => "no_significant_difference",
    };

    private static void WriteGates(Utf8JsonWriter writer, IReadOnlyList<EvalGateResult> gates)
    {
        writer.WriteStartArray("gates");
        foreach (var gate in gates)
        {
            writer.WriteStartObject();
            writer.WriteString("gate", gate.Gate);
            writer.WriteBoolean("passed", gate.Passed);
            if (gate.Actual is { } actual)
            {
                WriteFinite(writer, "actual", actual);
            }
            else
            {
                writer.WriteNull("actual");
            }

            writer.WriteString("explanation", gate.Explanation);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteTrial(Utf8JsonWriter writer, EvalTrialResult trial)
    {
        writer.WriteStartObject();
        writer.WriteString("config", trial.Configuration);
        writer.WriteString("case", trial.CaseId);
        writer.WriteNumber("trial", trial.Trial);
        writer.WriteBoolean("success", trial.Passed);
        WriteNullable(writer, "score", trial.Score);
        writer.WriteString("failure_category", trial.FailureCategory);
        writer.WriteString("error", trial.Error);
        WriteNullable(writer, "latency_ms", trial.LatencyMs);
        writer.WriteNumber("input_tokens", trial.InputTokens);
        writer.WriteNumber("output_tokens", trial.OutputTokens);
        WriteNullable(writer, "cost_usd", trial.CostUsd);
        if (trial.Metrics is { Count: > 0 } metrics)
        {
            writer.WriteStartObject("metrics");
            foreach (var (name, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                WriteFinite(writer, name, value);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("metrics");
        }

        writer.WriteEndObject();
    }

    private static void WriteTaxonomy(Utf8JsonWriter writer, IReadOnlyList<EvalFailureCount> taxonomy)
    {
        writer.WriteStartArray("failure_categories");
        foreach (var failure in taxonomy)
        {
            writer.WriteStartObject();
            writer.WriteString("category", failure.Category);
            writer.WriteNumber("count", failure.Count);
            writer.WriteNumber("share", failure.Share);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteByK(Utf8JsonWriter writer, string name, IReadOnlyList<double> byK)
    {
        writer.WriteStartObject(name);
        for (var k = 1; k <= byK.Count; k++)
        {
            writer.WriteNumber(k.ToString(CultureInfo.InvariantCulture), byK[k - 1]);
        }

        writer.WriteEndObject();
    }

    /// <summary>A number, or null when it is infinite or NaN (JSON has neither).</summary>
    private static void WriteFinite(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            WriteFinite(writer, name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v.ToString("O", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
