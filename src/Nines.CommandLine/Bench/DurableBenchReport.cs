namespace Nines.CommandLine.Bench;

/// <summary>The figures of one <c>nines bench durable</c> run.</summary>
internal sealed record DurableBenchReport
{
    public required string Store { get; init; }

    public required int StepsPerRun { get; init; }

    public required int PayloadBytes { get; init; }

    public required string Machine { get; init; }

    /// <summary>Per-step latency (StepAsync begin → journaled) with one run in flight.</summary>
    public required LatencyFigures StepLatency { get; init; }

    public required IReadOnlyList<ThroughputFigures> Throughput { get; init; }

    public required string FloorDescription { get; init; }

    public required LatencyFigures Floor { get; init; }

    public required IReadOnlyList<BenchTarget> Targets { get; init; }
}
