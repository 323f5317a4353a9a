namespace Nines.CommandLine.Bench;

/// <summary>Completed steps per second with <see cref="InFlight"/> runs executing at once.</summary>
internal sealed record ThroughputFigures(int InFlight, int Runs, int Steps, double WallSeconds)
{
    public double StepsPerSecond => WallSeconds > 0 ? Steps / WallSeconds : double.NaN;

    public double RunsPerSecond => WallSeconds > 0 ? Runs / WallSeconds : double.NaN;
}
