namespace Nines.Evals;

/// <summary>Latency percentiles over the trials whose latency is known, in milliseconds.</summary>
/// <param name="Count">The number of trials with a known latency.</param>
/// <param name="P50Ms">The median (nearest-rank 50th percentile).</param>
/// <param name="P95Ms">The nearest-rank 95th percentile.</param>
/// <param name="P99Ms">The nearest-rank 99th percentile.</param>
/// <param name="MinMs">The fastest trial.</param>
/// <param name="MaxMs">The slowest trial.</param>
/// <param name="MeanMs">The mean.</param>
/// <remarks>
/// Percentiles use the nearest-rank method: the q-th percentile of N sorted values is the value at rank ⌈q·N⌉
/// (1-based). It is always a latency that was actually observed, never an interpolation between two, and p99 of fewer
/// than 100 trials is simply the slowest.
/// </remarks>
public sealed record EvalLatency(int Count, double P50Ms, double P95Ms, double P99Ms, double MinMs, double MaxMs, double MeanMs)
{
    /// <summary>The nearest-rank percentile <paramref name="q"/> (in (0, 1]) of <paramref name="sorted"/> (ascending, not empty).</summary>
    internal static double NearestRank(IReadOnlyList<double> sorted, double q)
    {
        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    /// <summary>The latency figures of <paramref name="latencies"/>, or <see langword="null"/> when there are none.</summary>
    internal static EvalLatency? Of(IEnumerable<double> latencies)
    {
        var sorted = latencies.Order().ToArray();
        return sorted.Length == 0
            ? null
            : new EvalLatency(
                sorted.Length,
                NearestRank(sorted, 0.50),
                NearestRank(sorted, 0.95),
                NearestRank(sorted, 0.99),
                sorted[0],
                sorted[^1],
                sorted.Average());
    }
}
