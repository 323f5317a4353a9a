using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Nines.Resilience;

/// <summary>
/// Options for <see cref="ResilienceChatClient"/>: total and per-attempt timeouts, retry with exponential
/// backoff and <c>Retry-After</c>, a circuit breaker per underlying client, a fallback chain, optional
/// hedging and client-side rate limits.
/// </summary>
/// <remarks>
/// The options are read and validated once, when the client is built; later changes have no effect. Every
/// problem is reported together in one <see cref="ArgumentException"/>.
/// </remarks>
public sealed class ResilienceOptions
{
    /// <summary>Gets or sets the clock used by timeouts, backoff, the breakers and the rate-limit windows.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the budget for the whole logical call: every attempt, backoff delay and fallback.</summary>
    /// <value>The default value is 120 seconds. Must be between 10 ms and 1 day.</value>
    public TimeSpan TotalTimeout { get; set; } = ResilienceConstants.DefaultTotalTimeout;

    /// <summary>Gets or sets the budget for one attempt on one client. A hung attempt is cancelled and retried.</summary>
    /// <value>The default value is 60 seconds. Must be between 10 ms and <see cref="TotalTimeout"/>.</value>
    public TimeSpan AttemptTimeout { get; set; } = ResilienceConstants.DefaultAttemptTimeout;

    /// <summary>Gets or sets how many times a transient failure of the primary client is retried (0 disables retry).</summary>
    /// <value>The default value is 3.</value>
    public int MaxRetryAttempts { get; set; } = ResilienceConstants.DefaultMaxRetryAttempts;

    /// <summary>Gets or sets the base delay of the exponential backoff (doubled on every retry, with jitter).</summary>
    /// <value>The default value is 1 second. Must be between zero and 1 day.</value>
    public TimeSpan RetryBaseDelay { get; set; } = ResilienceConstants.DefaultRetryBaseDelay;

    /// <summary>Gets or sets the longest backoff delay the exponential growth may reach.</summary>
    /// <value>The default value is 30 seconds. Must not be less than <see cref="RetryBaseDelay"/>.</value>
    public TimeSpan RetryMaxDelay { get; set; } = ResilienceConstants.DefaultRetryMaxDelay;

    /// <summary>Gets or sets whether backoff delays are jittered so that many clients do not retry in lockstep.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Gets or sets the longest server <c>Retry-After</c> hint that is honoured; longer hints are capped to it.
    /// </summary>
    /// <value>The default value is 60 seconds. Must be between zero and 1 day.</value>
    /// <remarks>
    /// The delay before a retry is <c>max(backoff, Retry-After)</c> capped by this value. When that delay would not
    /// fit in what remains of <see cref="TotalTimeout"/>, the call fails at once with a message that says so
    /// instead of waiting for a retry that could never run.
    /// </remarks>
    public TimeSpan MaxRetryAfter { get; set; } = ResilienceConstants.DefaultMaxRetryAfter;

    /// <summary>Gets or sets the seed of the jitter's random source, for repeatable delays; <see langword="null"/> uses Polly's shared random source.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens a client's circuit.</summary>
    /// <value>The default value is 0.5. Must be greater than 0 and at most 1.</value>
    public double BreakerFailureRatio { get; set; } = ResilienceConstants.DefaultBreakerFailureRatio;

    /// <summary>Gets or sets how many attempts must be seen within <see cref="BreakerSamplingDuration"/> before the circuit may open.</summary>
    /// <value>The default value is 10. Must be at least 2.</value>
    public int BreakerMinimumThroughput { get; set; } = ResilienceConstants.DefaultBreakerMinimumThroughput;

    /// <summary>Gets or sets the window over which the breaker measures the failure ratio.</summary>
    /// <value>The default value is 30 seconds. Must be between 0.5 seconds and 1 day.</value>
    public TimeSpan BreakerSamplingDuration { get; set; } = ResilienceConstants.DefaultBreakerSamplingDuration;

    /// <summary>Gets or sets how long an open circuit rejects calls before it lets a trial call through.</summary>
    /// <value>The default value is 30 seconds. Must be between 0.5 seconds and 1 day.</value>
    public TimeSpan BreakerBreakDuration { get; set; } = ResilienceConstants.DefaultBreakerBreakDuration;

    /// <summary>
    /// Gets the clients tried, in order, when the primary client fails transiently (after its retries) or its
    /// circuit is open. Each has its own circuit breaker and attempt timeout, and is tried once per call.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    public IList<IChatClient> Fallbacks { get; } = [];

    /// <summary>Gets or sets whether hedging is on: when an attempt is slow, a parallel attempt starts on the next client and the first success wins.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    /// <remarks>
    /// Hedged attempt <c>n</c> goes to client <c>n</c> of [primary, fallbacks…] (wrapping around; with no
    /// fallbacks it goes to the primary again). Hedging multiplies cost and load on slow calls; it applies to
    /// <see cref="IChatClient.GetResponseAsync"/> only, never to streaming.
    /// </remarks>
    public bool EnableHedging { get; set; }

    /// <summary>Gets or sets how long an attempt may run before a hedged attempt starts.</summary>
    /// <value>The default value is 2 seconds. Must be between zero and 1 day.</value>
    public TimeSpan HedgingDelay { get; set; } = ResilienceConstants.DefaultHedgingDelay;

    /// <summary>Gets or sets the most hedged attempts started in addition to the first.</summary>
    /// <value>The default value is 1. Must be between 1 and 10.</value>
    public int MaxHedgedAttempts { get; set; } = 1;

    /// <summary>Gets or sets the client-side limit of requests per minute sent to the primary client (every attempt counts); <see langword="null"/> for no limit.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>
    /// Gets or sets the client-side limit of tokens per minute sent to the primary client; <see langword="null"/> for no limit.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <remarks>
    /// Each attempt reserves an estimate before it is sent: prompt characters / 4 plus
    /// <see cref="ChatOptions.MaxOutputTokens"/>. When the response reports more total tokens than estimated, the
    /// excess is taken from the current window afterwards (best effort, never waits).
    /// </remarks>
    public int? TokensPerMinute { get; set; }

    /// <summary>
    /// Gets or sets how many attempts may wait for the rate-limit window to refill; 0 rejects at once with a
    /// <see cref="Polly.RateLimiting.RateLimiterRejectedException"/>. Waiting is bounded by <see cref="TotalTimeout"/>.
    /// </summary>
    /// <value>The default value is 0.</value>
    public int RateLimitQueueLimit { get; set; }

    /// <summary>Gets or sets the factory that creates the <c>Nines.Resilience</c> meter; <see langword="null"/> creates a meter owned by the client.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IMeterFactory? MeterFactory { get; set; }

    internal void Validate()
    {
        var problems = new List<string>();

        void CheckRange(string name, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} is {value} but must be between {min} and {max}."));
            }
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider is null; set it to TimeProvider.System or a test clock.");
        }

        CheckRange(nameof(TotalTimeout), TotalTimeout, ResilienceConstants.MinTimeout, ResilienceConstants.MaxSpan);
        CheckRange(nameof(AttemptTimeout), AttemptTimeout, ResilienceConstants.MinTimeout, ResilienceConstants.MaxSpan);
        if (AttemptTimeout > TotalTimeout)
        {
            problems.Add($"AttemptTimeout ({AttemptTimeout}) is longer than TotalTimeout ({TotalTimeout}); an attempt must fit in the whole call's budget.");
        }

        if (MaxRetryAttempts < 0)
        {
            problems.Add($"MaxRetryAttempts is {MaxRetryAttempts} but must be 0 (no retries) or more.");
        }

        CheckRange(nameof(RetryBaseDelay), RetryBaseDelay, TimeSpan.Zero, ResilienceConstants.MaxSpan);
        CheckRange(nameof(RetryMaxDelay), RetryMaxDelay, TimeSpan.Zero, ResilienceConstants.MaxSpan);
        if (RetryMaxDelay < RetryBaseDelay)
        {
            problems.Add($"RetryMaxDelay ({RetryMaxDelay}) is shorter than RetryBaseDelay ({RetryBaseDelay}).");
        }

        CheckRange(nameof(MaxRetryAfter), MaxRetryAfter, TimeSpan.Zero, ResilienceConstants.MaxSpan);

        if (double.IsNaN(BreakerFailureRatio) || BreakerFailureRatio <= 0 || BreakerFailureRatio > 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"BreakerFailureRatio is {BreakerFailureRatio} but must be greater than 0 and at most 1."));
        }

        if (BreakerMinimumThroughput < 2)
        {
            problems.Add($"BreakerMinimumThroughput is {BreakerMinimumThroughput} but must be at least 2.");
        }

        CheckRange(nameof(BreakerSamplingDuration), BreakerSamplingDuration, ResilienceConstants.MinBreakerSpan, ResilienceConstants.MaxSpan);
        CheckRange(nameof(BreakerBreakDuration), BreakerBreakDuration, ResilienceConstants.MinBreakerSpan, ResilienceConstants.MaxSpan);

        if (Fallbacks is null)
        {
            problems.Add("Fallbacks is null.");
        }
        else
        {
            for (var i = 0; i < Fallbacks.Count; i++)
            {
                if (Fallbacks[i] is null)
                {
                    problems.Add($"Fallbacks[{i}] is null; remove it or supply a client.");
                }
            }
        }

        CheckRange(nameof(HedgingDelay), HedgingDelay, TimeSpan.Zero, ResilienceConstants.MaxSpan);
        if (MaxHedgedAttempts is < 1 or > 10)
        {
            problems.Add($"MaxHedgedAttempts is {MaxHedgedAttempts} but must be between 1 and 10.");
        }

        if (RequestsPerMinute is <= 0)
        {
            problems.Add($"RequestsPerMinute is {RequestsPerMinute} but must be positive, or null for no limit.");
        }

        if (TokensPerMinute is <= 0)
        {
            problems.Add($"TokensPerMinute is {TokensPerMinute} but must be positive, or null for no limit.");
        }

        if (RateLimitQueueLimit < 0)
        {
            problems.Add($"RateLimitQueueLimit is {RateLimitQueueLimit} but must be 0 (reject at once) or more.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"The resilience options are invalid ({problems.Count} problem(s)); fix them in the UseResilience(...) configuration:"
                + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", problems));
        }
    }
}
