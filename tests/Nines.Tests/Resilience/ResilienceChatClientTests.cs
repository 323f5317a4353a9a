using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Nines.Models;
using Nines.Resilience;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using static Nines.Tests.Resilience.ResilienceTestHelpers;

namespace Nines.Tests.Resilience;

public sealed class ResilienceChatClientTests : IDisposable
{
    private static readonly ChatMessage[] _prompt = [new(ChatRole.User, "hello")];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ResilienceTestMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task GetResponseAsync_429WithRetryAfter_WaitsForRetryAfterThenRetries()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetResponse = (call, _) => call == 1
                ? throw new ModelHttpException("slow down", HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(5))
                : Task.FromResult(ResilienceTestChatClient.Reply("done")),
        };
        using var delays = new MetricCollector<double>(_meters, "Nines.Resilience", "nines.resilience.retry.delay");
        using var client = Create(inner, o => o.RetryBaseDelay = TimeSpan.FromSeconds(1));

        var task = client.GetResponseAsync(_prompt);
        Assert.Equal(1, inner.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(4999));
        await Task.Yield();
        Assert.Equal(1, inner.Calls);
        Assert.False(task.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var response = await WaitAsync(task);

        Assert.Equal("done", response.Text);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(5.0, Assert.Single(delays.GetMeasurementSnapshot()).Value);
        Assert.Equal(2, response.AdditionalProperties![ResilienceChatClient.AttemptsPropertyKey]);
        var note = Assert.Single(LayerTrace.Get(response));
        Assert.Equal("resilience", note.Layer);
        Assert.Contains("2 attempts", note.Note, StringComparison.Ordinal);
        Assert.Contains("RateLimited", note.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterBeyondTotalBudget_FailsFastWithClearMessage()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetResponse = (_, _) => throw new ModelHttpException("slow down", HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(30)),
        };
        using var client = Create(inner, o =>
        {
            o.TotalTimeout = TimeSpan.FromSeconds(10);
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
        });

        var error = await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync(_prompt));

        Assert.Equal(1, inner.Calls);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Contains("TotalTimeout", error.Message, StringComparison.Ordinal);
        Assert.Equal(FailureCategory.RateLimited, TransientFailures.Classify(error));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task GetResponseAsync_ServerError_IsRetried(HttpStatusCode status)
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetResponse = (call, _) => call < 3
                ? throw new ModelHttpException("boom", status)
                : Task.FromResult(ResilienceTestChatClient.Reply("done")),
        };
        using var client = Create(inner);

        var response = await client.GetResponseAsync(_prompt);

        Assert.Equal("done", response.Text);
        Assert.Equal(3, inner.Calls);
        Assert.Contains("2 retries (ServerError, ServerError)", LayerTrace.Get(response)[0].Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task GetResponseAsync_ClientError_IsNotRetried(HttpStatusCode status)
    {
        var inner = new ResilienceTestChatClient { OnGetResponse = (_, _) => throw new ModelHttpException("bad", status) };
        using var client = Create(inner);

        var error = await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync(_prompt));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_IsNotRetried()
    {
        var inner = new ResilienceTestChatClient { OnGetResponse = (_, ct) => ResilienceTestChatClient.HangAsync(ct) };
        using var client = Create(inner);
        using var cts = new CancellationTokenSource();

        var task = client.GetResponseAsync(_prompt, cancellationToken: cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WaitAsync(task));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_HangingAttempt_TimesOutAndIsRetried()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetResponse = (call, ct) => call == 1 ? ResilienceTestChatClient.HangAsync(ct) : Task.FromResult(ResilienceTestChatClient.Reply("done")),
        };
        using var client = Create(inner, o => o.AttemptTimeout = TimeSpan.FromSeconds(2));

        var task = client.GetResponseAsync(_prompt);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Task.Yield();
        Assert.False(task.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var response = await WaitAsync(task);

        Assert.Equal(2, inner.Calls);
        Assert.Contains("Timeout", LayerTrace.Get(response)[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_TotalTimeout_StopsRetriesAndSaysSo()
    {
        var inner = new ResilienceTestChatClient { OnGetResponse = (_, ct) => ResilienceTestChatClient.HangAsync(ct) };
        using var client = Create(inner, o =>
        {
            o.TotalTimeout = TimeSpan.FromSeconds(3);
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetryAttempts = 10;
        });

        var task = client.GetResponseAsync(_prompt);
        await AdvanceUntilDoneAsync(_time, task, TimeSpan.FromMilliseconds(500));

        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() => task);
        Assert.Contains("TotalTimeout", error.Message, StringComparison.Ordinal);
        Assert.InRange(inner.Calls, 3, 4);
        Assert.Equal(FailureCategory.Timeout, TransientFailures.Classify(error));
    }

    [Fact]
    public async Task GetResponseAsync_RepeatedFailures_OpenBreakerWhichShortCircuits()
    {
        var inner = new ResilienceTestChatClient { OnGetResponse = (_, _) => throw new ModelHttpException("down", HttpStatusCode.InternalServerError) };
        using var transitions = new MetricCollector<long>(_meters, "Nines.Resilience", "nines.resilience.breaker.transitions");
        using var client = Create(inner, o =>
        {
            o.BreakerMinimumThroughput = 2;
            o.MaxRetryAttempts = 0;
        });

        await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync(_prompt));
        await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync(_prompt));
        var error = await Assert.ThrowsAnyAsync<BrokenCircuitException>(() => client.GetResponseAsync(_prompt));

        Assert.Equal(2, inner.Calls);
        Assert.Equal(FailureCategory.CircuitOpen, TransientFailures.Classify(error));
        var opened = Assert.Single(transitions.GetMeasurementSnapshot());
        Assert.Equal("open", opened.Tags["nines.breaker.state"]);
        Assert.Equal("test-model", opened.Tags["nines.model"]);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryFails_FallbackServes()
    {
        var primary = new ResilienceTestChatClient("primary") { OnGetResponse = (_, _) => throw new ModelHttpException("down", HttpStatusCode.ServiceUnavailable) };
        var fallback = new ResilienceTestChatClient("backup") { OnGetResponse = (_, _) => Task.FromResult(ResilienceTestChatClient.Reply("from backup")) };
        using var fallbacks = new MetricCollector<long>(_meters, "Nines.Resilience", "nines.resilience.fallbacks");
        using var client = Create(primary, o =>
        {
            o.MaxRetryAttempts = 1;
            o.Fallbacks.Add(fallback);
        });

        var response = await client.GetResponseAsync(_prompt);

        Assert.Equal("from backup", response.Text);
        Assert.Equal(2, primary.Calls);
        Assert.Equal(1, fallback.Calls);
        Assert.Equal(1, response.AdditionalProperties![ResilienceChatClient.ServedByPropertyKey]);
        Assert.Contains("served by fallback #1 (backup)", LayerTrace.Get(response)[0].Note, StringComparison.Ordinal);
        var measurement = Assert.Single(fallbacks.GetMeasurementSnapshot());
        Assert.Equal("backup", measurement.Tags["nines.fallback.to"]);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryBadRequest_DoesNotFallOver()
    {
        var primary = new ResilienceTestChatClient("primary") { OnGetResponse = (_, _) => throw new ModelHttpException("bad", HttpStatusCode.BadRequest) };
        var fallback = new ResilienceTestChatClient("backup");
        using var client = Create(primary, o => o.Fallbacks.Add(fallback));

        await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync(_prompt));

        Assert.Equal(0, fallback.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryBreakerOpen_GoesStraightToFallback()
    {
        var primary = new ResilienceTestChatClient("primary") { OnGetResponse = (_, _) => throw new ModelHttpException("down", HttpStatusCode.BadGateway) };
        var fallback = new ResilienceTestChatClient("backup");
        using var client = Create(primary, o =>
        {
            o.BreakerMinimumThroughput = 2;
            o.MaxRetryAttempts = 0;
            o.Fallbacks.Add(fallback);
        });

        await client.GetResponseAsync(_prompt);
        await client.GetResponseAsync(_prompt);
        var response = await client.GetResponseAsync(_prompt);

        Assert.Equal(2, primary.Calls);
        Assert.Equal(3, fallback.Calls);
        Assert.Equal("ok", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_EachFallback_HasItsOwnBreaker()
    {
        var primary = new ResilienceTestChatClient("primary") { OnGetResponse = (_, _) => throw new ModelHttpException("down", HttpStatusCode.InternalServerError) };
        var flaky = new ResilienceTestChatClient("flaky")
        {
            // Fails twice (opening its breaker), then would answer — but its open circuit must skip it.
            OnGetResponse = (call, _) => call <= 2 ? throw new ModelHttpException("down", HttpStatusCode.ServiceUnavailable) : Task.FromResult(ResilienceTestChatClient.Reply("flaky")),
        };
        var steady = new ResilienceTestChatClient("steady") { OnGetResponse = (_, _) => Task.FromResult(ResilienceTestChatClient.Reply("steady")) };
        using var client = Create(primary, o =>
        {
            o.BreakerMinimumThroughput = 2;
            o.MaxRetryAttempts = 0;
            o.Fallbacks.Add(flaky);
            o.Fallbacks.Add(steady);
        });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("steady", (await client.GetResponseAsync(_prompt)).Text);
        }

        Assert.Equal(2, primary.Calls);
        Assert.Equal(2, flaky.Calls);
        Assert.Equal(3, steady.Calls);

        // After the break duration each breaker lets a trial call through on its own: the flaky client recovers.
        _time.Advance(TimeSpan.FromSeconds(31));
        var response = await client.GetResponseAsync(_prompt);
        Assert.Equal("flaky", response.Text);
        Assert.Equal(3, primary.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_Hedging_FasterClientWins()
    {
        CancellationToken primaryToken = default;
        var primary = new ResilienceTestChatClient("slow")
        {
            OnGetResponse = (_, ct) =>
            {
                primaryToken = ct;
                return ResilienceTestChatClient.HangAsync(ct);
            },
        };
        var fast = new ResilienceTestChatClient("fast") { OnGetResponse = (_, _) => Task.FromResult(ResilienceTestChatClient.Reply("fast")) };
        using var hedges = new MetricCollector<long>(_meters, "Nines.Resilience", "nines.resilience.hedged_attempts");
        using var client = Create(primary, o =>
        {
            o.EnableHedging = true;
            o.HedgingDelay = TimeSpan.FromSeconds(1);
            o.Fallbacks.Add(fast);
        });

        var task = client.GetResponseAsync(_prompt);
        await WaitUntilAsync(() => primary.Calls == 1, "the primary attempt");
        Assert.Equal(0, fast.Calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        var response = await WaitAsync(task);

        Assert.Equal("fast", response.Text);
        Assert.Equal(1, fast.Calls);
        Assert.Equal("fast", Assert.Single(hedges.GetMeasurementSnapshot()).Tags["nines.model"]);
        await WaitUntilAsync(() => primaryToken.IsCancellationRequested, "the losing attempt to be cancelled");
        Assert.Contains("hedged", LayerTrace.Get(response)[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_HedgingWithoutFallbacks_HedgesOnTheSameClient()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetResponse = (call, ct) => call == 1 ? ResilienceTestChatClient.HangAsync(ct) : Task.FromResult(ResilienceTestChatClient.Reply("second")),
        };
        using var client = Create(inner, o =>
        {
            o.EnableHedging = true;
            o.HedgingDelay = TimeSpan.FromMilliseconds(500);
        });

        var task = client.GetResponseAsync(_prompt);
        await WaitUntilAsync(() => inner.Calls == 1, "the first attempt");
        _time.Advance(TimeSpan.FromMilliseconds(500));
        var response = await WaitAsync(task);

        Assert.Equal("second", response.Text);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_BeyondRequestsPerMinute_IsRejectedUntilTheWindowRefills()
    {
        var inner = new ResilienceTestChatClient();
        using var rejections = new MetricCollector<long>(_meters, "Nines.Resilience", "nines.resilience.rate_limit.rejections");
        using var client = Create(inner, o => o.RequestsPerMinute = 2);

        await client.GetResponseAsync(_prompt);
        await client.GetResponseAsync(_prompt);
        var error = await Assert.ThrowsAsync<RateLimiterRejectedException>(() => client.GetResponseAsync(_prompt));

        Assert.Equal(2, inner.Calls);
        Assert.Equal(FailureCategory.RateLimiterRejected, TransientFailures.Classify(error));
        Assert.Contains("RequestsPerMinute", error.Message, StringComparison.Ordinal);
        Assert.Equal("requests", Assert.Single(rejections.GetMeasurementSnapshot()).Tags["nines.limiter"]);

        _time.Advance(TimeSpan.FromMinutes(1));
        await client.GetResponseAsync(_prompt);
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_BeyondTokensPerMinute_IsRejected()
    {
        var inner = new ResilienceTestChatClient();
        using var client = Create(inner, o => o.TokensPerMinute = 100);
        ChatMessage[] prompt = [new(ChatRole.User, new string('x', 200))];
        var options = new ChatOptions { MaxOutputTokens = 50 };

        await client.GetResponseAsync(prompt, options);
        var error = await Assert.ThrowsAsync<RateLimiterRejectedException>(() => client.GetResponseAsync(prompt, options));

        Assert.Equal(1, inner.Calls);
        Assert.Contains("TokensPerMinute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitQueue_WaitsForTheNextWindow()
    {
        var inner = new ResilienceTestChatClient();
        using var client = Create(inner, o =>
        {
            o.RequestsPerMinute = 1;
            o.RateLimitQueueLimit = 1;
            o.TotalTimeout = TimeSpan.FromMinutes(5);
        });

        await client.GetResponseAsync(_prompt);
        var queued = client.GetResponseAsync(_prompt);
        await Task.Yield();
        Assert.False(queued.IsCompleted);
        Assert.Equal(1, inner.Calls);

        _time.Advance(TimeSpan.FromMinutes(1));
        await WaitAsync(queued);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureBeforeFirstUpdate_IsRetried()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetStreamingResponse = (call, ct) => call == 1
                ? ResilienceTestChatClient.UpdatesThenThrow(new ModelHttpException("down", HttpStatusCode.ServiceUnavailable))
                : ResilienceTestChatClient.Updates(ct, "a", "b", "c"),
        };
        using var client = Create(inner);

        var texts = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync(_prompt))
        {
            texts.Add(update.Text);
        }

        Assert.Equal(["a", "b", "c"], texts);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HangBeforeFirstUpdate_TimesOutAndIsRetried()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetStreamingResponse = (call, ct) => call == 1 ? HangingStream(ct) : ResilienceTestChatClient.Updates(ct, "x"),
        };
        using var client = Create(inner, o => o.AttemptTimeout = TimeSpan.FromSeconds(1));

        var task = Collect(client.GetStreamingResponseAsync(_prompt));
        await WaitUntilAsync(() => inner.Calls == 1, "the first attempt");
        _time.Advance(TimeSpan.FromSeconds(1));
        var texts = await WaitAsync(task);

        Assert.Equal(["x"], texts);
        Assert.Equal(2, inner.Calls);

        static async IAsyncEnumerable<ChatResponseUpdate> HangingStream([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await ResilienceTestChatClient.HangAsync(ct);
            yield break;
        }

        static async Task<List<string>> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
        {
            var list = new List<string>();
            await foreach (var update in updates)
            {
                list.Add(update.Text);
            }

            return list;
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryDownBeforeFirstUpdate_FallsOver()
    {
        var primary = new ResilienceTestChatClient("primary")
        {
            OnGetStreamingResponse = (_, _) => ResilienceTestChatClient.UpdatesThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "reset")),
        };
        var fallback = new ResilienceTestChatClient("backup") { OnGetStreamingResponse = (_, ct) => ResilienceTestChatClient.Updates(ct, "b") };
        using var client = Create(primary, o =>
        {
            o.MaxRetryAttempts = 0;
            o.Fallbacks.Add(fallback);
        });

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(_prompt))
        {
            updates.Add(update);
        }

        Assert.Equal("b", Assert.Single(updates).Text);
        Assert.Equal(1, updates[0].AdditionalProperties![ResilienceChatClient.ServedByPropertyKey]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureAfterFirstUpdate_FailsLoudlyWithoutRetry()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetStreamingResponse = (_, _) => ResilienceTestChatClient.UpdatesThenThrow(new ModelHttpException("down", HttpStatusCode.ServiceUnavailable), "a", "b"),
        };
        using var client = Create(inner);

        var texts = new List<string>();
        var error = await Assert.ThrowsAsync<StreamInterruptedException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(_prompt))
            {
                texts.Add(update.Text);
            }
        });

        Assert.Equal(["a", "b"], texts);
        Assert.Equal(2, error.UpdatesReceived);
        Assert.Equal(1, inner.Calls);
        Assert.Contains("after 2 update(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(FailureCategory.ServerError, TransientFailures.Classify(error));
        Assert.False(TransientFailures.IsTransient(error));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsMidStream_PropagatesCancellation()
    {
        var inner = new ResilienceTestChatClient { OnGetStreamingResponse = (_, ct) => ResilienceTestChatClient.Updates(ct, "a", "b", "c") };
        using var client = Create(inner);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(_prompt, cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_ReportedUsageAboveEstimate_IsChargedToTheTokenWindow()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetResponse = (_, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "long answer"))
            {
                Usage = new UsageDetails { TotalTokenCount = 900 },
            }),
        };
        using var client = Create(inner, o => o.TokensPerMinute = 1000);

        // The estimate is only 2 tokens ("hello"), but the reply reported 900: the next 200-token call no longer fits.
        await client.GetResponseAsync(_prompt);
        await Assert.ThrowsAsync<RateLimiterRejectedException>(() => client.GetResponseAsync(_prompt, new ChatOptions { MaxOutputTokens = 200 }));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_Metrics_CountAttemptsRetriesAndCallsWithTags()
    {
        var inner = new ResilienceTestChatClient
        {
            OnGetResponse = (call, _) => call == 1
                ? throw new ModelHttpException("slow down", HttpStatusCode.TooManyRequests)
                : Task.FromResult(ResilienceTestChatClient.Reply("done")),
        };
        using var attempts = new MetricCollector<long>(_meters, "Nines.Resilience", "nines.resilience.attempts");
        using var retries = new MetricCollector<long>(_meters, "Nines.Resilience", "nines.resilience.retries");
        using var calls = new MetricCollector<long>(_meters, "Nines.Resilience", "nines.resilience.calls");
        using var client = Create(inner);

        await client.GetResponseAsync(_prompt);

        var outcomes = attempts.GetMeasurementSnapshot().Select(m => (string)m.Tags["nines.outcome"]!).ToArray();
        Assert.Equal(["RateLimited", "success"], outcomes);
        Assert.All(attempts.GetMeasurementSnapshot(), m => Assert.Equal("test-model", m.Tags["nines.model"]));
        Assert.Equal("RateLimited", Assert.Single(retries.GetMeasurementSnapshot()).Tags["nines.category"]);
        Assert.Equal("success", Assert.Single(calls.GetMeasurementSnapshot()).Tags["nines.outcome"]);
    }

    [Fact]
    public void UseResilience_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var builder = new ResilienceTestChatClient().AsBuilder().UseResilience(o =>
        {
            o.TotalTimeout = TimeSpan.FromSeconds(-1);
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.MaxRetryAttempts = -1;
            o.BreakerFailureRatio = 1.5;
            o.BreakerMinimumThroughput = 1;
            o.RequestsPerMinute = 0;
        });

        var error = Assert.Throws<ArgumentException>(() => builder.Build());

        foreach (var name in (string[])["TotalTimeout", "AttemptTimeout (00:00:05) is longer", "MaxRetryAttempts", "BreakerFailureRatio", "BreakerMinimumThroughput", "RequestsPerMinute"])
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("6 problem(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseResilience_HealthyClient_PassesResponseThroughWithNote()
    {
        var inner = new ResilienceTestChatClient();
        using var client = inner.AsBuilder().UseResilience(o => o.TimeProvider = _time).Build();

        var response = await client.GetResponseAsync(_prompt);

        Assert.Equal("ok", response.Text);
        Assert.NotNull(client.GetService<ResilienceChatClient>());
        Assert.Equal("1 attempt", Assert.Single(LayerTrace.Get(response)).Note);
        Assert.Equal(1, response.AdditionalProperties![ResilienceChatClient.AttemptsPropertyKey]);
    }

    private static async Task<T> WaitAsync<T>(Task<T> task)
    {
        await WaitUntilAsync(() => task.IsCompleted, "the call to complete");
        return await task;
    }

    private ResilienceChatClient Create(IChatClient inner, Action<ResilienceOptions>? configure = null)
    {
        var options = new ResilienceOptions
        {
            TimeProvider = _time,
            MeterFactory = _meters,
            RetryBaseDelay = TimeSpan.Zero,
            UseJitter = false,
        };
        configure?.Invoke(options);
        return new ResilienceChatClient(inner, options);
    }
}
