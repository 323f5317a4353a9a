using System.Globalization;
using System.Text.RegularExpressions;

namespace Nines.Evals;

/// <summary>
/// A pass/fail condition on an eval's statistics, such as <c>hardened.nines &gt;= 3</c>, <c>hardened.pass^4 &gt;= 0.99</c> or
/// <c>hardened &gt; baseline</c>; <c>nines eval</c> and <c>nines stats</c> take them as <c>--require</c> and set the exit code.
/// </summary>
/// <remarks>
/// <para>Two forms (docs/evals.md lists them all):</para>
/// <list type="bullet">
/// <item><c>&lt;configuration&gt;.&lt;metric&gt; &lt;op&gt; &lt;number&gt;</c> with op one of <c>&gt;=</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&lt;</c>,
/// a number in the invariant culture (a trailing <c>%</c> divides by 100), and metric one of <see cref="Metrics"/>.</item>
/// <item><c>&lt;configuration&gt; &gt; &lt;baseline&gt;</c>: the configuration succeeds significantly more often (Fisher's exact test,
/// p &lt; <see cref="EvalSummary.SignificanceLevel"/>, 0.05 by default); <c>&lt;configuration&gt; &gt;= &lt;baseline&gt;</c>: it is not
/// significantly worse.</item>
/// </list>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed partial class EvalGate
{
    /// <summary>The metric names a gate accepts after <c>&lt;configuration&gt;.</c> (pass^k and pass@k take any k ≥ 1).</summary>
    public static readonly IReadOnlyList<string> Metrics =
    [
        "rate", "ci_lower", "nines", "conservative_nines", "pass^k", "pass@k",
        "p50_ms", "p95_ms", "p99_ms", "cost_per_trial", "cost", "tokens_per_trial", "trials",
    ];

    private const string AcceptedForms =
        "Accepted forms: '<config>.<metric> <op> <number>' with op >=, >, <=, < and metric rate, ci_lower, nines, conservative_nines, " +
        "pass^<k>, pass@<k>, p50_ms, p95_ms, p99_ms, cost_per_trial, cost, tokens_per_trial or trials " +
        "(e.g. 'hardened.nines >= 3', 'hardened.pass^4 >= 0.99', 'hardened.rate > 95%'); " +
        "or '<config> > <baseline>' (significantly better) or '<config> >= <baseline>' (not significantly worse).";

    private readonly string _configuration;
    private readonly string _operator;
    private readonly string? _metric;
    private readonly int _k;
    private readonly double _threshold;
    private readonly string? _baseline;

    private EvalGate(string text, string configuration, string op, string? metric, int k, double threshold, string? baseline)
    {
        Text = text;
        _configuration = configuration;
        _operator = op;
        _metric = metric;
        _k = k;
        _threshold = threshold;
        _baseline = baseline;
    }

    /// <summary>Gets the gate as written (trimmed).</summary>
    public string Text { get; }

    /// <summary>Parses a gate.</summary>
    /// <param name="text">The gate, such as <c>hardened.nines &gt;= 3</c>.</param>
    /// <exception cref="FormatException">The text is not a gate; the message shows the accepted forms.</exception>
    public static EvalGate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var match = GatePattern().Match(trimmed);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a gate. {AcceptedForms}");
        }

        var left = match.Groups["left"].Value;
        var op = match.Groups["op"].Value;
        var right = match.Groups["right"].Value;

        if (TryParseNumber(right, out var threshold))
        {
            var dot = left.LastIndexOf('.');
            if (dot <= 0 || dot == left.Length - 1)
            {
                throw new FormatException($"'{text}' compares '{left}' with a number, but '{left}' is not '<config>.<metric>'. {AcceptedForms}");
            }

            var configuration = left[..dot];
            var metric = left[(dot + 1)..].ToLowerInvariant();
            var k = 0;
            var kMatch = PassKPattern().Match(metric);
            if (kMatch.Success)
            {
                if (!int.TryParse(kMatch.Groups["k"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out k) || k < 1)
                {
                    throw new FormatException($"'{text}': k in {metric} must be a whole number of at least 1. {AcceptedForms}");
                }

                metric = kMatch.Groups["kind"].Value == "^" ? "pass^k" : "pass@k";
            }
            else if (metric == "success_rate")
            {
                metric = "rate";
            }

            if (!Metrics.Contains(metric))
            {
                throw new FormatException($"'{text}': unknown metric '{left[(dot + 1)..]}'. {AcceptedForms}");
            }

            return new EvalGate(trimmed, configuration, op, metric, k, threshold, null);
        }

        if (op is not (">" or ">="))
        {
            throw new FormatException($"'{text}' compares two configurations with '{op}'; only '>' (significantly better) and '>=' (not significantly worse) are supported. {AcceptedForms}");
        }

        if (left.Contains('.', StringComparison.Ordinal) || right.Contains('.', StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}': '{right}' is not a number, so both sides must be configuration names. {AcceptedForms}");
        }

        return new EvalGate(trimmed, left, op, null, 0, 0, right);
    }

    /// <summary>Checks the gate against <paramref name="summary"/>.</summary>
    /// <param name="summary">The eval's statistics.</param>
    /// <returns>Whether it held, the value measured and a one-line explanation.</returns>
    /// <exception cref="ArgumentException">The gate names a configuration the summary does not have; the message lists the ones it has.</exception>
    public EvalGateResult Evaluate(EvalSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        EvalConfigurationStatistics configuration;
        EvalConfigurationStatistics? baseline = null;
        try
        {
            configuration = summary.Configuration(_configuration);
            if (_baseline is not null)
            {
                baseline = summary.Configuration(_baseline);
            }
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Gate '{Text}': {ex.Message.Split(" (Parameter", 2)[0]}", nameof(summary), ex);
        }

        if (baseline is not null)
        {
            var comparison = summary.Compare(configuration.Name, baseline.Name);
            var passed = _operator == ">"
                ? comparison.Outcome == EvalComparisonOutcome.Better
                : comparison.Outcome != EvalComparisonOutcome.Worse;
            var rates = $"{EvalReportFormat.Percent(configuration.Rate)} vs {EvalReportFormat.Percent(baseline.Rate)}";
            var need = _operator == ">"
                ? string.Create(CultureInfo.InvariantCulture, $"needs significantly better at alpha = {summary.SignificanceLevel}")
                : string.Create(CultureInfo.InvariantCulture, $"needs not significantly worse at alpha = {summary.SignificanceLevel}");
            return new EvalGateResult(Text, passed, comparison.PValue, $"{comparison.Verdict}: {rates}; {need}");
        }

        var (actual, unavailable) = Measure(configuration);
        var label = $"{configuration.Name}.{(_metric is "pass^k" or "pass@k" ? _metric.Replace("k", _k.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) : _metric)}";
        var requirement = $"needs {_operator} {Format(_threshold)}";
        if (actual is not { } value)
        {
            return new EvalGateResult(Text, false, null, $"{label} is not available ({unavailable}); {requirement}");
        }

        var holds = _operator switch
        {
            ">=" => value >= _threshold,
            ">" => value > _threshold,
            "<=" => value <= _threshold,
            _ => value < _threshold,
        };
        return new EvalGateResult(Text, holds, value, $"{label} is {Format(value)}; {requirement}");
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private (double? Value, string? Unavailable) Measure(EvalConfigurationStatistics c)
    {
        const string NoLatency = "no trial recorded its latency";
        const string NoCost = "no trial recorded its cost";
        return _metric switch
        {
            "rate" => (c.Rate, null),
            "ci_lower" => (c.Interval.Lower, null),
            "nines" => (c.Nines, null),
            "conservative_nines" => (c.ConservativeNines, null),
            "pass^k" => (c.PassHat(_k), $"k = {_k} needs at least {_k} trials per case; {c.Name} has {c.TrialsPerCase}"),
            "pass@k" => (c.PassAt(_k), $"k = {_k} needs at least {_k} trials per case; {c.Name} has {c.TrialsPerCase}"),
            "p50_ms" => (c.Latency?.P50Ms, NoLatency),
            "p95_ms" => (c.Latency?.P95Ms, NoLatency),
            "p99_ms" => (c.Latency?.P99Ms, NoLatency),
            "cost_per_trial" => (c.CostPerTrialUsd, NoCost),
            "cost" => (c.CostUsd, NoCost),
            "tokens_per_trial" => (c.TokensPerTrial, null),
            _ => (c.Trials, null),
        };
    }

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : value.ToString("G6", CultureInfo.InvariantCulture);

    private static bool TryParseNumber(string text, out double value)
    {
        var percent = text.EndsWith('%');
        var number = percent ? text[..^1] : text;
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
        {
            value = percent ? value / 100 : value;
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"^(?<left>[^\s<>=]+)\s*(?<op>>=|<=|>|<)\s*(?<right>[^\s<>=]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex GatePattern();

    [GeneratedRegex(@"^pass(?<kind>[\^@])(?<k>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PassKPattern();
}
