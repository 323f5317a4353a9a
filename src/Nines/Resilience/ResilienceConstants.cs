namespace Nines.Resilience;

internal static class ResilienceConstants
{
    public const string LayerName = "resilience";
    public const string MeterName = "Nines.Resilience";

    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(60);
    public const int DefaultMaxRetryAttempts = 3;
    public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultRetryMaxDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromSeconds(60);
    public const double DefaultBreakerFailureRatio = 0.5;
    public const int DefaultBreakerMinimumThroughput = 10;
    public static readonly TimeSpan DefaultBreakerSamplingDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultBreakerBreakDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultHedgingDelay = TimeSpan.FromSeconds(2);

    // Polly's own ranges, checked up front so every problem is reported together.
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MinBreakerSpan = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(1);
}
