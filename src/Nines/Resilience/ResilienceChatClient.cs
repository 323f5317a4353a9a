using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Nines.Models;
using Polly;
using Polly.CircuitBreaker;
using Polly.Hedging;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Nines.Resilience;

/// <summary>
/// Makes model calls survive 429s, 5xx, hangs and outages with a Polly v8 pipeline: total timeout → retry
/// (exponential backoff with jitter, honouring <c>Retry-After</c>) → circuit breaker per client → attempt
/// timeout, then a fallback chain of other clients, optional hedging and client-side rate limits.
/// </summary>
/// <remarks>
/// <para>Only transient failures (see <see cref="TransientFailures"/>) are retried or failed over; bad requests and
/// cancellation by the caller surface at once. Streaming calls are retried or failed over only until the first
/// update arrives; a later failure surfaces as a <see cref="StreamInterruptedException"/>.</para>
/// <para>Each response gets a <see cref="LayerTrace"/> note and the number of attempts under
/// <see cref="AttemptsPropertyKey"/>. The instance is thread-safe; breaker state is shared by all calls through
/// it. Disposing it disposes the primary client, but not the fallbacks.</para>
/// </remarks>
public sealed class ResilienceChatClient : DelegatingChatClient
{
    /// <summary>The key under <see cref="ChatResponse.AdditionalProperties"/> holding the number of attempts the call took (an <see cref="int"/>).</summary>
    public const string AttemptsPropertyKey = "nines.attempts";

    /// <summary>The key under <see cref="ChatResponse.AdditionalProperties"/> holding which client served the call (an <see cref="int"/>: 0 the primary, n fallback #n); set only when a fallback served it.</summary>
    public const string ServedByPropertyKey = "nines.served_by";

    private const string OneAttemptNote = "1 attempt";
    private static readonly ResiliencePropertyKey<ResilienceCallState> _callKey = new("nines.resilience.call");
    private static readonly object[] _boxedCounts = [.. Enumerable.Range(0, 33).Select(static i => (object)i)];

    private readonly ResilienceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceClientSlot[] _slots;
    private readonly ResilienceMetrics _metrics;
    private readonly ResilienceRateLimiters? _limiters;
    private readonly ResiliencePipeline<ChatResponse> _primaryPipeline;
    private readonly ResiliencePipeline<ChatResponse> _unaryPipeline;
    private readonly ResiliencePipeline<ChatResponse> _streamingPipeline;
    private readonly Random? _jitter;

    /// <summary>Creates the client. The options are validated and read now; later changes to them have no effect.</summary>
    /// <param name="innerClient">The primary client.</param>
    /// <param name="options">The resilience options.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public ResilienceChatClient(IChatClient innerClient, ResilienceOptions options)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        _options = options;
        _timeProvider = options.TimeProvider;
        _metrics = new ResilienceMetrics(options.MeterFactory);
        _jitter = options.Seed is int seed ? new Random(seed) : null;
        if (options.RequestsPerMinute is not null || options.TokensPerMinute is not null)
        {
            _limiters = new ResilienceRateLimiters(options.RequestsPerMinute, options.TokensPerMinute, options.RateLimitQueueLimit, _timeProvider);
        }

        _slots = new ResilienceClientSlot[options.Fallbacks.Count + 1];
        _slots[0] = new ResilienceClientSlot(0, innerClient);
        for (var i = 0; i < options.Fallbacks.Count; i++)
        {
            _slots[i + 1] = new ResilienceClientSlot(i + 1, options.Fallbacks[i]);
        }

        foreach (var slot in _slots)
        {
            slot.AttemptPipeline = BuildAttemptPipeline(slot);
        }

        _primaryPipeline = options.MaxRetryAttempts == 0
            ? _slots[0].AttemptPipeline
            : NewBuilder(_slots[0].Name).AddRetry(CreateRetryOptions()).AddPipeline(_slots[0].AttemptPipeline).Build();

        // Without fallbacks the whole call is one Polly pipeline (total timeout → [hedging] → retry → breaker →
        // attempt timeout) run straight on the attempt: no chain loop, one pipeline entry fewer on the hot path.
        var streaming = NewBuilder(_slots[0].Name).AddTimeout(CreateTotalTimeoutOptions());
        var unary = NewBuilder(_slots[0].Name).AddTimeout(CreateTotalTimeoutOptions());
        if (options.EnableHedging)
        {
            unary.AddHedging(CreateHedgingOptions());
        }

        if (_slots.Length == 1)
        {
            streaming.AddPipeline(_primaryPipeline);
            unary.AddPipeline(_primaryPipeline);
        }

        _streamingPipeline = streaming.Build();
        _unaryPipeline = unary.Build();
    }

    // One pooled Polly context per call; a failed outcome is recorded and rethrown as the caller should see it.
    private async Task<ChatResponse> RunPipelineAsync(ResiliencePipeline<ChatResponse> pipeline, ResilienceCallState call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(_callKey, call);
        Outcome<ChatResponse> outcome;
        try
        {
            outcome = await ExecuteAsync(pipeline, context, call).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return outcome.Exception is { } exception ? throw Fail(call, exception) : outcome.Result!;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = StartCall(messages, options, streaming: false, cancellationToken);
        var response = await RunPipelineAsync(_unaryPipeline, call, cancellationToken).ConfigureAwait(false);
        Succeed(call, response);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = StartCall(messages, options, streaming: true, cancellationToken);
        var start = (StreamStartResponse)await RunPipelineAsync(_streamingPipeline, call, cancellationToken).ConfigureAwait(false);
        RecordCall(call, FailureCategory.None);
        await using (start.ConfigureAwait(false))
        {
            if (start.First is null)
            {
                yield break;
            }

            start.First.AdditionalProperties ??= [];
            start.First.AdditionalProperties[AttemptsPropertyKey] = Box(call.Attempts);
            if (start.Slot.Index > 0)
            {
                start.First.AdditionalProperties[ServedByPropertyKey] = Box(start.Slot.Index);
            }

            yield return start.First;
            var received = 1;
            while (true)
            {
                try
                {
                    if (!await start.Enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    throw new StreamInterruptedException(received, start.Slot.Name, ex);
                }

                yield return start.Enumerator.Current;
                received++;
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _limiters?.Dispose();
            _metrics.Dispose();
        }

        base.Dispose(disposing);
    }

    private static object Box(int value) => (uint)value < (uint)_boxedCounts.Length ? _boxedCounts[value] : value;

    private static bool IsRetryable(Exception exception) =>
        TransientFailures.Classify(exception) is FailureCategory.RateLimited
            or FailureCategory.ServerError
            or FailureCategory.Timeout
            or FailureCategory.ConnectionReset;

    private static bool CanFailOver(Exception exception) =>
        exception is not StreamInterruptedException && TransientFailures.IsTransient(TransientFailures.Classify(exception));

    private static ResilienceCallState? GetCall(ResilienceContext context) =>
        context.Properties.TryGetValue(_callKey, out var call) ? call : null;

    private ValueTask<Outcome<ChatResponse>> ExecuteAsync(ResiliencePipeline<ChatResponse> pipeline, ResilienceContext context, ResilienceCallState call) =>
        _slots.Length == 1
            ? pipeline.ExecuteOutcomeAsync(AttemptAsync, context, (call, _slots[0]))
            : pipeline.ExecuteOutcomeAsync(RunChainAsync, context, call);

    private static async ValueTask<Outcome<ChatResponse>> RunChainAsync(ResilienceContext context, ResilienceCallState call)
    {
        var owner = call.Owner;
        var slots = owner._slots;
        Outcome<ChatResponse> outcome = default;
        for (var i = 0; i < slots.Length; i++)
        {
            var pipeline = i == 0 ? owner._primaryPipeline : slots[i].AttemptPipeline;
            try
            {
                outcome = await pipeline.ExecuteOutcomeAsync(AttemptAsync, context, (call, slots[i])).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                outcome = Outcome.FromException<ChatResponse>(ex);
            }

            if (outcome.Exception is not { } exception)
            {
                call.ServedBy = i;
                return outcome;
            }

            if (i == slots.Length - 1 || context.CancellationToken.IsCancellationRequested || !CanFailOver(exception))
            {
                return outcome;
            }

            call.AddFallback();
            var fallbacks = owner._metrics.Fallbacks;
            if (fallbacks.Enabled)
            {
                fallbacks.Add(
                    1,
                    new(ResilienceMetrics.ModelTag, slots[i].Name),
                    new(ResilienceMetrics.FallbackToTag, slots[i + 1].Name),
                    new(ResilienceMetrics.CategoryTag, ResilienceMetrics.Name(TransientFailures.Classify(exception))));
            }
        }

        return outcome;
    }

    private static async ValueTask<Outcome<ChatResponse>> AttemptAsync(ResilienceContext context, (ResilienceCallState Call, ResilienceClientSlot Slot) state)
    {
        var (call, slot) = state;
        var owner = call.Owner;
        call.AddAttempt();
        var attempts = owner._metrics.Attempts;
        try
        {
            var response = call.Streaming
                ? await OpenStreamAsync(context, call, slot).ConfigureAwait(false)
                : await slot.Client.GetResponseAsync(call.Messages, call.Options, context.CancellationToken).ConfigureAwait(false);
            if (attempts.Enabled)
            {
                attempts.Add(1, new(ResilienceMetrics.ModelTag, slot.Name), new(ResilienceMetrics.OutcomeTag, "success"));
            }

            if (slot.Index == 0 && owner._limiters?.Tokens is { } tokens && response.Usage?.TotalTokenCount is long used && used > call.EstimatedTokens)
            {
                // Correct the estimate from reported usage: best effort, never waits.
                var excess = (int)Math.Min(used - call.EstimatedTokens, owner._limiters.TokenLimit);
                tokens.AttemptAcquire(excess).Dispose();
            }

            return Outcome.FromResult(response);
        }
        catch (Exception ex)
        {
            if (attempts.Enabled)
            {
                attempts.Add(1, new(ResilienceMetrics.ModelTag, slot.Name), new(ResilienceMetrics.OutcomeTag, ResilienceMetrics.Name(TransientFailures.Classify(ex))));
            }

            return Outcome.FromException<ChatResponse>(ex);
        }
    }

    private static async ValueTask<ChatResponse> OpenStreamAsync(ResilienceContext context, ResilienceCallState call, ResilienceClientSlot slot)
    {
        // The stream outlives this attempt, so it must not hang on Polly's pooled timeout token: it gets its own
        // source linked to the caller, which the attempt's token cancels only until the first update arrives.
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(call.CallerToken);
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        try
        {
            bool hasFirst;
            using (context.CancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), cancellation))
            {
                enumerator = slot.Client.GetStreamingResponseAsync(call.Messages, call.Options, cancellation.Token).GetAsyncEnumerator(cancellation.Token);
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }

            return new StreamStartResponse(enumerator, cancellation, hasFirst ? enumerator.Current : null, slot);
        }
        catch
        {
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }

            cancellation.Dispose();
            throw;
        }
    }

    private static int EstimateTokens(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        long chars = 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextContent text)
                {
                    chars += text.Text?.Length ?? 0;
                }
            }
        }

        return (int)Math.Min(int.MaxValue, ((chars + 3) / 4) + (options?.MaxOutputTokens ?? 0));
    }

    private ResilienceCallState StartCall(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming, CancellationToken cancellationToken)
    {
        // Every attempt re-reads the messages, so a one-shot sequence is materialised once.
        var replayable = messages is IReadOnlyCollection<ChatMessage> or ICollection<ChatMessage> ? messages : [.. messages];
        var call = new ResilienceCallState(this, replayable, options, streaming, cancellationToken, _timeProvider.GetTimestamp());
        if (_limiters?.Tokens is not null)
        {
            call.EstimatedTokens = EstimateTokens(replayable, options);
        }

        return call;
    }

    private void Succeed(ResilienceCallState call, ChatResponse response)
    {
        response.AdditionalProperties ??= [];
        response.AdditionalProperties[AttemptsPropertyKey] = Box(call.Attempts);
        if (call.ServedBy > 0)
        {
            response.AdditionalProperties[ServedByPropertyKey] = Box(call.ServedBy);
        }

        LayerTrace.Add(response, ResilienceConstants.LayerName, Describe(call));
        RecordCall(call, FailureCategory.None);
    }

    private void RecordCall(ResilienceCallState call, FailureCategory category)
    {
        var calls = _metrics.Calls;
        if (calls.Enabled)
        {
            calls.Add(1, new(ResilienceMetrics.ModelTag, _slots[0].Name), new(ResilienceMetrics.OutcomeTag, category == FailureCategory.None ? "success" : ResilienceMetrics.Name(category)));
        }
    }

    private static string Describe(ResilienceCallState call)
    {
        var attempts = call.Attempts;
        var hedges = call.Hedges;
        if (attempts == 1 && call.ServedBy <= 0 && hedges == 0)
        {
            return OneAttemptNote;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{attempts} attempt{(attempts == 1 ? "" : "s")}");
        var categories = call.RetryCategories();
        if (categories.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {categories.Length} retr{(categories.Length == 1 ? "y" : "ies")} ({string.Join(", ", categories)})");
        }

        if (hedges > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {hedges} hedged");
        }

        if (call.ServedBy > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", served by fallback #{call.ServedBy} ({call.Owner._slots[call.ServedBy].Name})");
        }
        else if (call.Fallbacks > 0 || hedges > 0)
        {
            text.Append(", served by the primary");
        }

        return text.ToString();
    }

    private Exception Fail(ResilienceCallState call, Exception exception)
    {
        var category = TransientFailures.Classify(exception);
        RecordCall(call, category);
        var tried = call.Fallbacks > 0 ? $"{call.Attempts} attempt(s) on {call.Fallbacks + 1} client(s)" : $"{call.Attempts} attempt(s)";

        if (exception is TimeoutRejectedException && call.TotalTimedOut)
        {
            return new TimeoutRejectedException(
                $"The call to '{_slots[0].Name}' did not complete within the TotalTimeout of {_options.TotalTimeout} ({tried}). " +
                "Raise TotalTimeout, lower AttemptTimeout or MaxRetryAttempts, or add a faster fallback.",
                _options.TotalTimeout,
                exception);
        }

        if (exception is RateLimiterRejectedException rejected && call.RejectedLimiter is { } limiter && _limiters is not null)
        {
            var (limit, option) = limiter == "tokens"
                ? (_limiters.TokenLimit, nameof(ResilienceOptions.TokensPerMinute))
                : (_limiters.RequestLimit, nameof(ResilienceOptions.RequestsPerMinute));
            var retryAfter = _limiters.UntilNextWindow;
            var wait = $"wait {retryAfter:g} for the window to refill, ";
            var message = $"The client-side limit of {limit} {limiter} per minute for '{_slots[0].Name}' was reached, so the call was not sent. " +
                $"To fix it: {wait}raise {option}, or set RateLimitQueueLimit above 0 to queue calls instead of rejecting them.";
            return new RateLimiterRejectedException(message, retryAfter, rejected);
        }

        // Preserve the original exception (and its stack) for everything else.
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception).Throw();
        return exception;
    }

    private ResiliencePipelineBuilder<ChatResponse> NewBuilder(string instanceName) => new()
    {
        Name = "Nines.Resilience",
        InstanceName = instanceName,
        TimeProvider = _timeProvider,
    };

    private TimeoutStrategyOptions CreateTotalTimeoutOptions() => new()
    {
        Name = "TotalTimeout",
        Timeout = _options.TotalTimeout,
        OnTimeout = static args =>
        {
            if (GetCall(args.Context) is { } call)
            {
                call.TotalTimedOut = true;
            }

            return default;
        },
    };

    private RetryStrategyOptions<ChatResponse> CreateRetryOptions()
    {
        var options = new RetryStrategyOptions<ChatResponse>
        {
            Name = "Retry",
            MaxRetryAttempts = _options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = _options.UseJitter,
            Delay = _options.RetryBaseDelay,
            MaxDelay = _options.RetryMaxDelay,
            ShouldHandle = static args => new ValueTask<bool>(
                args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && IsRetryable(e)),
            DelayGenerator = args => new ValueTask<TimeSpan?>(GetRetryDelay(args.Context, args.Outcome.Exception, args.AttemptNumber)),
            OnRetry = args =>
            {
                var category = args.Outcome.Exception is { } e ? TransientFailures.Classify(e) : FailureCategory.Other;
                GetCall(args.Context)?.AddRetry(category);
                var model = new KeyValuePair<string, object?>(ResilienceMetrics.ModelTag, _slots[0].Name);
                var tag = new KeyValuePair<string, object?>(ResilienceMetrics.CategoryTag, ResilienceMetrics.Name(category));
                _metrics.Retries.Add(1, model, tag);
                _metrics.RetryDelay.Record(args.RetryDelay.TotalSeconds, model, tag);
                return default;
            },
        };

        if (_jitter is { } random)
        {
            options.Randomizer = () =>
            {
                lock (random)
                {
                    return random.NextDouble();
                }
            };
        }

        return options;
    }

    // Null lets Polly compute its exponential backoff with jitter; a Retry-After hint lengthens it.
    private TimeSpan? GetRetryDelay(ResilienceContext context, Exception? exception, int attemptNumber)
    {
        if (exception is null || TransientFailures.GetRetryAfter(exception, _timeProvider) is not { } retryAfter)
        {
            return null;
        }

        var backoff = TimeSpan.FromTicks((long)Math.Min(
            _options.RetryMaxDelay.Ticks,
            _options.RetryBaseDelay.Ticks * Math.Pow(2, attemptNumber)));
        var delay = retryAfter > backoff ? retryAfter : backoff;
        if (delay > _options.MaxRetryAfter)
        {
            delay = _options.MaxRetryAfter;
        }

        var call = GetCall(context);
        var remaining = call is null ? TimeSpan.MaxValue : _options.TotalTimeout - _timeProvider.GetElapsedTime(call.StartTimestamp);
        if (delay >= remaining)
        {
            var status = TransientFailures.GetStatusCode(exception);
            throw new ModelHttpException(
                $"'{_slots[0].Name}' asked to wait {retryAfter} before retrying (HTTP {status?.ToString(CultureInfo.InvariantCulture) ?? "?"}), " +
                $"but only {(remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining)} remains of the TotalTimeout of {_options.TotalTimeout}, " +
                "so the call fails now instead of waiting for a retry that could not finish. Raise TotalTimeout, lower the request rate, or add a fallback.",
                status is int s ? (System.Net.HttpStatusCode)s : null,
                retryAfter,
                HttpRequestError.Unknown,
                exception);
        }

        return delay;
    }

    private ResiliencePipeline<ChatResponse> BuildAttemptPipeline(ResilienceClientSlot slot)
    {
        var builder = NewBuilder(slot.Name);
        var model = new KeyValuePair<string, object?>(ResilienceMetrics.ModelTag, slot.Name);
        if (slot.Index == 0 && _limiters is not null)
        {
            if (_limiters.Requests is { } requests)
            {
                builder.AddRateLimiter(new RateLimiterStrategyOptions
                {
                    Name = "RequestsPerMinute",
                    RateLimiter = args => requests.AcquireAsync(1, args.Context.CancellationToken),
                    OnRejected = args => OnRejected(args.Context, "requests", model),
                });
            }

            if (_limiters.Tokens is { } tokens)
            {
                var limit = _limiters.TokenLimit;
                builder.AddRateLimiter(new RateLimiterStrategyOptions
                {
                    Name = "TokensPerMinute",
                    RateLimiter = args => tokens.AcquireAsync(
                        Math.Clamp(GetCall(args.Context)?.EstimatedTokens ?? 1, 1, limit),
                        args.Context.CancellationToken),
                    OnRejected = args => OnRejected(args.Context, "tokens", model),
                });
            }
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<ChatResponse>
        {
            Name = "CircuitBreaker",
            FailureRatio = _options.BreakerFailureRatio,
            MinimumThroughput = _options.BreakerMinimumThroughput,
            SamplingDuration = _options.BreakerSamplingDuration,
            BreakDuration = _options.BreakerBreakDuration,
            ShouldHandle = static args => new ValueTask<bool>(
                args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && IsRetryable(e)),
            OnOpened = _ => Transition(model, "open"),
            OnHalfOpened = _ => Transition(model, "half_open"),
            OnClosed = _ => Transition(model, "closed"),
        });

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = _options.AttemptTimeout });
        return builder.Build();
    }

    private ValueTask Transition(KeyValuePair<string, object?> model, string state)
    {
        _metrics.BreakerTransitions.Add(1, model, new(ResilienceMetrics.StateTag, state));
        return default;
    }

    private ValueTask OnRejected(ResilienceContext context, string limiter, KeyValuePair<string, object?> model)
    {
        if (GetCall(context) is { } call)
        {
            call.RejectedLimiter = limiter;
        }

        _metrics.RateLimitRejections.Add(1, model, new(ResilienceMetrics.LimiterTag, limiter));
        return default;
    }

    private HedgingStrategyOptions<ChatResponse> CreateHedgingOptions() => new()
    {
        Name = "Hedging",
        MaxHedgedAttempts = _options.MaxHedgedAttempts,
        Delay = _options.HedgingDelay,
        ShouldHandle = static args => new ValueTask<bool>(
            args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && CanFailOver(e)),
        ActionGenerator = args =>
        {
            var call = GetCall(args.PrimaryContext) ?? GetCall(args.ActionContext);
            if (call is null)
            {
                return null;
            }

            var slot = _slots[args.AttemptNumber % _slots.Length];
            var context = args.ActionContext;
            call.AddHedge();
            _metrics.HedgedAttempts.Add(1, new KeyValuePair<string, object?>(ResilienceMetrics.ModelTag, slot.Name));
            return async () =>
            {
                var outcome = await slot.AttemptPipeline.ExecuteOutcomeAsync(AttemptAsync, context, (call, slot)).ConfigureAwait(false);
                if (outcome.Exception is null)
                {
                    call.ServedBy = slot.Index;
                }

                return outcome;
            };
        },
    };
}
