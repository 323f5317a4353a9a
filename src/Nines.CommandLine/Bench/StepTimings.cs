using System.Diagnostics;

namespace Nines.CommandLine.Bench;

/// <summary>Step durations (begin → journaled) recorded by <see cref="BenchStepsWorkflow"/> while <see cref="Enabled"/>.</summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class StepTimings
{
    private readonly List<long> _ticks = [];

    /// <summary>Whether <see cref="Record"/> keeps what it is given (only the one-run-in-flight phase is recorded).</summary>
    public bool Enabled { get; set; }

    public void Record(long stopwatchTicks)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_ticks)
        {
            _ticks.Add(stopwatchTicks);
        }
    }

    /// <summary>The recorded durations, in recording order.</summary>
    public IReadOnlyList<TimeSpan> Snapshot()
    {
        lock (_ticks)
        {
            return [.. _ticks.Select(t => TimeSpan.FromSeconds((double)t / Stopwatch.Frequency))];
        }
    }

    public void Clear()
    {
        lock (_ticks)
        {
            _ticks.Clear();
        }
    }
}
