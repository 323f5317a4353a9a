using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nines.Models;

namespace Nines.Contracts;

/// <summary>The "Nines.Contracts" meter and activity source: attempts, re-asks, tolerated repairs and violations by category.</summary>
internal static class ContractsTelemetry
{
    public static readonly ActivitySource ActivitySource = new(ContractsConstants.MeterName);

    private static readonly Meter _meter = new(ContractsConstants.MeterName);

    private static readonly Counter<long> _attempts = _meter.CreateCounter<long>(
        "nines.contracts.attempts", unit: "{attempt}", description: "Model replies checked against a contract.");

    private static readonly Counter<long> _reasks = _meter.CreateCounter<long>(
        "nines.contracts.reasks", unit: "{attempt}", description: "Re-asks sent to the model with the errors of its previous reply.");

    private static readonly Counter<long> _repairs = _meter.CreateCounter<long>(
        "nines.contracts.repairs", unit: "{repair}", description: "Tolerated repairs of a reply, such as stripping code fences around JSON.");

    private static readonly Counter<long> _violations = _meter.CreateCounter<long>(
        "nines.contracts.violations", unit: "{attempt}", description: "Replies that broke the contract, by failure category.");

    private static readonly Counter<long> _exhausted = _meter.CreateCounter<long>(
        "nines.contracts.exhausted", unit: "{call}", description: "Calls that spent their attempt budget and threw ContractViolationException.");

    public static void RecordAttempt(FailureCategory category, int repairs)
    {
        _attempts.Add(1);
        if (repairs > 0)
        {
            _repairs.Add(repairs);
        }

        if (category != FailureCategory.None)
        {
            _violations.Add(1, new KeyValuePair<string, object?>("nines.failure.category", category.ToString()));
        }
    }

    public static Activity? StartReask(int attempt, FailureCategory previous)
    {
        _reasks.Add(1);
        var activity = ActivitySource.StartActivity("contracts.reask");
        activity?.SetTag("nines.contracts.attempt", attempt);
        activity?.SetTag("nines.failure.category", previous.ToString());
        return activity;
    }

    public static void RecordExhausted(FailureCategory category) =>
        _exhausted.Add(1, new KeyValuePair<string, object?>("nines.failure.category", category.ToString()));
}
