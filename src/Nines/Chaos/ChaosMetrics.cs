using System.Diagnostics.Metrics;

namespace Nines.Chaos;

/// <summary>The <c>Nines.Chaos</c> meter: counts injected faults by kind.</summary>
internal static class ChaosMetrics
{
    public const string MeterName = "Nines.Chaos";

    public const string FaultsInjected = "nines.chaos.faults_injected";

    private static readonly Meter _meter = new(MeterName);

    private static readonly Counter<long> _faults = _meter.CreateCounter<long>(FaultsInjected, "{fault}", "Faults injected by chaos, by kind (tag 'fault').");

    public static void Record(ChaosFaultKind kind, string profile) =>
        _faults.Add(1, new KeyValuePair<string, object?>("fault", ChaosProfile.JsonName(kind)), new KeyValuePair<string, object?>("profile", profile));
}
