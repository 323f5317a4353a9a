using System.Diagnostics.Metrics;

namespace Nines.Tests.Resilience;

/// <summary>An <see cref="IMeterFactory"/> whose meters carry it as their scope, so a test's MetricCollector sees only its own client.</summary>
internal sealed class ResilienceTestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        options.Scope = this;
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
