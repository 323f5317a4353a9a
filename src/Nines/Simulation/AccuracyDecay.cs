using System.Globalization;
using System.Text;

namespace Nines.Simulation;

/// <summary>
/// How a simulated model's accuracy falls as its prompt grows ("context rot"): a multiplier in [0, 1] of the prompt's
/// input tokens, applied to <see cref="SimulationProfile.Accuracy"/> on every call.
/// </summary>
/// <remarks>
/// <para>Two shapes. <b>Half-life</b> (<c>halflife=8000</c>): m(t) = 0.5^(t / h), so accuracy halves every h prompt tokens.
/// <b>Piecewise-linear</b> (<c>decay=2000:1/32000:0.3</c>): points (tokens, multiplier) joined by straight lines; m is the
/// first point's multiplier before it and the last point's after it, so <c>2000:1/32000:0.3</c> means "full accuracy up to
/// 2,000 tokens, falling linearly to 30% of it at 32,000, and 30% beyond".</para>
/// <para>The prompt's tokens are the simulated model's own input count (characters of every message, tool calls and tool
/// results included, / 4), the same number it reports in <c>Usage.InputTokenCount</c>.</para>
/// <para>The shapes are illustrative, not fitted to a real model: long-context studies (for example Chroma's "Context Rot"
/// report, 2025) show accuracy falling with input length at rates that differ by model and task.</para>
/// </remarks>
public sealed class AccuracyDecay : IEquatable<AccuracyDecay>
{
    private readonly (long Tokens, double Multiplier)[] _points;

    private AccuracyDecay(double? halfLifeTokens, (long Tokens, double Multiplier)[] points)
    {
        HalfLifeTokens = halfLifeTokens;
        _points = points;
    }

    /// <summary>Gets the half-life in prompt tokens, or <see langword="null"/> for a piecewise-linear curve.</summary>
    public double? HalfLifeTokens { get; }

    /// <summary>Gets the points of a piecewise-linear curve (tokens ascending), or an empty list for a half-life curve.</summary>
    public IReadOnlyList<(long Tokens, double Multiplier)> Points => _points;

    /// <summary>Creates a curve that halves accuracy every <paramref name="tokens"/> prompt tokens: m(t) = 0.5^(t / tokens).</summary>
    /// <param name="tokens">The half-life, in prompt tokens.</param>
    /// <returns>The curve.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is not a finite number above 0.</exception>
    public static AccuracyDecay HalfLife(double tokens)
    {
        if (!(tokens > 0) || double.IsInfinity(tokens))
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens, "The half-life must be a finite number of prompt tokens above 0, such as 8000.");
        }

        return new AccuracyDecay(tokens, []);
    }

    /// <summary>Creates a piecewise-linear curve through <paramref name="points"/>.</summary>
    /// <param name="points">(prompt tokens, multiplier) pairs: tokens at least 0 and strictly ascending, multipliers in [0, 1].</param>
    /// <returns>The curve.</returns>
    /// <exception cref="ArgumentException">There is no point, tokens are negative or not ascending, or a multiplier is outside [0, 1].</exception>
    public static AccuracyDecay Piecewise(params IEnumerable<(long Tokens, double Multiplier)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToArray();
        var problems = new List<string>();
        if (list.Length == 0)
        {
            problems.Add("give at least one point");
        }

        for (var i = 0; i < list.Length; i++)
        {
            var (tokens, multiplier) = list[i];
            if (tokens < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"point {i + 1} has {tokens} tokens; tokens must be at least 0"));
            }

            if (i > 0 && tokens <= list[i - 1].Tokens)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"point {i + 1} ({tokens} tokens) does not come after point {i} ({list[i - 1].Tokens} tokens); tokens must ascend"));
            }

            if (!(multiplier >= 0 && multiplier <= 1))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"point {i + 1} has multiplier {multiplier}; it must be between 0 and 1"));
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid accuracy decay curve: " + string.Join("; ", problems) + ". Example: 2000:1/32000:0.3.", nameof(points));
        }

        return new AccuracyDecay(null, list);
    }

    /// <summary>Gets the factor, in [0, 1], by which accuracy is multiplied for a prompt of <paramref name="promptTokens"/> tokens.</summary>
    /// <param name="promptTokens">The prompt's input tokens.</param>
    /// <returns>The multiplier.</returns>
    public double Multiplier(long promptTokens)
    {
        var t = Math.Max(0, promptTokens);
        if (HalfLifeTokens is { } halfLife)
        {
            return Math.Pow(0.5, t / halfLife);
        }

        if (t <= _points[0].Tokens)
        {
            return _points[0].Multiplier;
        }

        for (var i = 1; i < _points.Length; i++)
        {
            var (x1, y1) = _points[i];
            if (t <= x1)
            {
                var (x0, y0) = _points[i - 1];
                return y0 + ((y1 - y0) * (t - x0) / (x1 - x0));
            }
        }

        return _points[^1].Multiplier;
    }

    /// <summary>Gets the curve as written in a profile: <c>halflife=8000</c> or <c>decay=2000:1/32000:0.3</c>.</summary>
    /// <returns>The setting.</returns>
    public override string ToString()
    {
        if (HalfLifeTokens is { } halfLife)
        {
            return "halflife=" + halfLife.ToString(CultureInfo.InvariantCulture);
        }

        var builder = new StringBuilder("decay=");
        for (var i = 0; i < _points.Length; i++)
        {
            builder.Append(i > 0 ? "/" : string.Empty)
                .Append(_points[i].Tokens.ToString(CultureInfo.InvariantCulture)).Append(':')
                .Append(_points[i].Multiplier.ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(AccuracyDecay? other) =>
        other is not null && HalfLifeTokens == other.HalfLifeTokens && _points.AsSpan().SequenceEqual(other._points);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AccuracyDecay);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(HalfLifeTokens);
        foreach (var point in _points)
        {
            hash.Add(point);
        }

        return hash.ToHashCode();
    }

    /// <summary>Parses the value of a <c>decay=</c> setting: points <c>tokens:multiplier</c> separated by <c>/</c>.</summary>
    /// <exception cref="FormatException">The text is not such a list, or the curve is invalid.</exception>
    internal static AccuracyDecay ParsePoints(string value)
    {
        var points = new List<(long, double)>();
        foreach (var part in value.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !long.TryParse(part[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tokens)
                || !double.TryParse(part[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var multiplier))
            {
                throw new FormatException($"'{part}' is not a point tokens:multiplier; write the curve like decay=2000:1/32000:0.3 (full accuracy to 2,000 prompt tokens, 30% of it from 32,000)");
            }

            points.Add((tokens, multiplier));
        }

        try
        {
            return Piecewise(points);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message.Split(" (Parameter", 2)[0], ex);
        }
    }
}
