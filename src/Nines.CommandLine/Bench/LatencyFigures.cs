namespace Nines.CommandLine.Bench;

/// <summary>Percentiles of a set of durations, in milliseconds.</summary>
internal sealed record LatencyFigures(int Samples, double P50Ms, double P99Ms, double MeanMs, double MaxMs)
{
    public static LatencyFigures Of(IReadOnlyCollection<TimeSpan> durations)
    {
        ArgumentNullException.ThrowIfNull(durations);
        if (durations.Count == 0)
        {
            return new LatencyFigures(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = durations.Select(d => d.TotalMilliseconds).Order().ToArray();
        return new LatencyFigures(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Average(), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile (no interpolation): a value that was actually measured.</summary>
    internal static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
