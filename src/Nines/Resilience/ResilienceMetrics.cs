using System.Diagnostics.Metrics;
using Nines.Models;

namespace Nines.Resilience;

/// <summary>The instruments of the <c>Nines.Resilience</c> meter.</summary>
internal sealed class ResilienceMetrics : IDisposable
{
    public const string ModelTag = "nines.model";
    public const string OutcomeTag = "nines.outcome";
    public const string CategoryTag = "nines.category";
    public const string StateTag = "nines.breaker.state";
    public const string LimiterTag = "nines.limiter";
    public const string FallbackToTag = "nines.fallback.to";

    private static readonly string[] _categoryNames = Enum.GetNames<FailureCategory>();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public ResilienceMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(ResilienceConstants.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(new MeterOptions(ResilienceConstants.MeterName));
        }

        Calls = _meter.CreateCounter<long>("nines.resilience.calls", "{call}", "Logical calls through the resilience layer, by outcome.");
        Attempts = _meter.CreateCounter<long>("nines.resilience.attempts", "{attempt}", "Attempts sent to an underlying client, by outcome.");
        Retries = _meter.CreateCounter<long>("nines.resilience.retries", "{retry}", "Retries of the primary client, by the category that caused them.");
        RetryDelay = _meter.CreateHistogram<double>("nines.resilience.retry.delay", "s", "Delay waited before each retry.");
        Fallbacks = _meter.CreateCounter<long>("nines.resilience.fallbacks", "{fallback}", "Fail-overs from one client to the next in the fallback chain.");
        BreakerTransitions = _meter.CreateCounter<long>("nines.resilience.breaker.transitions", "{transition}", "Circuit breaker state changes, by new state.");
        RateLimitRejections = _meter.CreateCounter<long>("nines.resilience.rate_limit.rejections", "{rejection}", "Attempts rejected by a client-side rate limiter.");
        HedgedAttempts = _meter.CreateCounter<long>("nines.resilience.hedged_attempts", "{attempt}", "Hedged attempts started in parallel to a slow attempt.");
    }

    public Counter<long> Calls { get; }

    public Counter<long> Attempts { get; }

    public Counter<long> Retries { get; }

    public Histogram<double> RetryDelay { get; }

    public Counter<long> Fallbacks { get; }

    public Counter<long> BreakerTransitions { get; }

    public Counter<long> RateLimitRejections { get; }

    public Counter<long> HedgedAttempts { get; }

    public static string Name(FailureCategory category) =>
        (uint)category < (uint)_categoryNames.Length ? _categoryNames[(int)category] : category.ToString();

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
