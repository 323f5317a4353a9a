using Nines.Models;
using Nines.Planning;

namespace Nines.CommandLine.Demo;

/// <summary>What one pipeline achieved over all demo tasks: measured, never assumed.</summary>
internal sealed class PipelineOutcome(string name, string description)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<FailureCategory, int> _failures = [];
    private readonly List<double> _latencies = [];

    public string Name { get; } = name;

    public string Description { get; } = description;

    public int Tasks { get; private set; }

    public int Succeeded { get; private set; }

    public long ModelCalls { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public IReadOnlyDictionary<FailureCategory, int> Failures => _failures;

    public ProportionInterval Interval => ProportionInterval.Wilson(Succeeded, Math.Max(1, Tasks));

    public double SuccessRate => Tasks == 0 ? 0 : (double)Succeeded / Tasks;

    public double Nines => ReliabilityMath.Nines(SuccessRate);

    public double ConservativeNines => ReliabilityMath.Nines(Interval.Lower);

    public void Record(FailureCategory category, TimeSpan latency)
    {
        lock (_lock)
        {
            Tasks++;
            if (category == FailureCategory.None)
            {
                Succeeded++;
            }
            else
            {
                _failures[category] = _failures.GetValueOrDefault(category) + 1;
            }

            _latencies.Add(latency.TotalSeconds);
        }
    }

    public double LatencyPercentile(double percentile)
    {
        lock (_lock)
        {
            if (_latencies.Count == 0)
            {
                return 0;
            }

            var sorted = _latencies.Order().ToArray();
            var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }
}
