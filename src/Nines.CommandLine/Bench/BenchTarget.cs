namespace Nines.CommandLine.Bench;

/// <summary>One target the durable engine is held to, and whether this run met it.</summary>
/// <param name="Name">What is compared, e.g. "per-step p50 ≤ 2× one fsync".</param>
/// <param name="Measured">The measured value.</param>
/// <param name="Limit">The bound.</param>
/// <param name="Ratio">Measured ÷ limit for an upper bound, limit ÷ measured for a lower bound: ≤ 1 means met.</param>
/// <param name="Met">Whether the target was met.</param>
internal sealed record BenchTarget(string Name, double Measured, double Limit, double Ratio, bool Met);
