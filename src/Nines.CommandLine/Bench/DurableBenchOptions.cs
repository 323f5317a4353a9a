namespace Nines.CommandLine.Bench;

/// <summary>What <see cref="DurableBench"/> measures.</summary>
internal sealed class DurableBenchOptions
{
    /// <summary>Sequential no-op steps per run. The default value is 10.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Runs per throughput level (at least the level's in-flight count). The default value is 1,024 (enough for 64 in flight to reach a steady state: 16 rounds).</summary>
    public int Runs { get; init; } = 1024;

    /// <summary>Bytes of JSON each step returns (and the floor writes). The default value is 100.</summary>
    public int PayloadBytes { get; init; } = 100;

    /// <summary>Runs in flight for the throughput figures. The default value is 1, 8, 64.</summary>
    public IReadOnlyList<int> InFlightLevels { get; init; } = [1, 8, 64];

    /// <summary>Runs executed one at a time for the per-step latency (at most <see cref="Runs"/>). The default value is 30.</summary>
    public int LatencyRuns { get; init; } = 30;

    /// <summary>Samples of the floor (at least; taken in equal slices between the latency runs). The default value is 200.</summary>
    public int FloorSamples { get; init; } = 200;

    public void Validate()
    {
        var problems = new List<string>();
        if (Steps is < 1 or > 10_000)
        {
            problems.Add($"--steps must be between 1 and 10000 (got {Steps}).");
        }

        if (Runs is < 1 or > 1_000_000)
        {
            problems.Add($"--runs must be between 1 and 1000000 (got {Runs}).");
        }

        if (PayloadBytes is < 2 or > 1_000_000)
        {
            problems.Add($"--payload must be between 2 and 1000000 bytes (got {PayloadBytes}).");
        }

        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(" ", problems));
        }
    }
}
