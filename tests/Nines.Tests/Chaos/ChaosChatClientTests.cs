using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Nines.Chaos;
using Nines.Models;

namespace Nines.Tests.Chaos;

public class ChaosChatClientTests
{
    private static ChaosProfile Only(ChaosFaultKind kind, double rate = 1.0)
    {
        var profile = new ChaosProfile { Name = "test" };
        profile.Rates[kind] = rate;
        return profile;
    }

    private static ChaosChatClient Create(ChaosProfile profile, ChaosTestChatClient? inner = null, TimeProvider? time = null, int? seed = null) =>
        new(inner ?? new ChaosTestChatClient(), profile, new ChaosOptions { TimeProvider = time ?? new FakeTimeProvider(), Seed = seed });

    private static async Task<string> OutcomeAsync(IChatClient client)
    {
        try
        {
            var response = await client.GetResponseAsync("q");
            var notes = LayerTrace.Get(response);
            return notes.Count == 0 ? "ok" : notes[0].Note;
        }
        catch (ModelHttpException ex)
        {
            return ex.StatusCode?.ToString() ?? ex.HttpRequestError.ToString();
        }
    }

    [Fact]
    public async Task GetResponseAsync_SameSeed_SameFaultSequence_DifferentSeed_Different()
    {
        static async Task<List<string>> RunAsync(int seed)
        {
            var profile = ChaosProfile.FlakyProvider;
            profile.Rates.Remove(ChaosFaultKind.Hang);
            profile.Rates.Remove(ChaosFaultKind.Latency);
            using var client = Create(profile, seed: seed);
            var outcomes = new List<string>();
            for (var i = 0; i < 300; i++)
            {
                outcomes.Add(await OutcomeAsync(client));
            }

            return outcomes;
        }

        var first = await RunAsync(11);
        Assert.Equal(first, await RunAsync(11));
        Assert.NotEqual(first, await RunAsync(12));
        Assert.Contains(first, o => o != "ok");
    }

    [Fact]
    public async Task GetResponseAsync_ManyCalls_RatesWithinTolerance()
    {
        // 20,000 calls; 4 standard errors of a 5% rate ≈ 0.0062, of a 20% rate ≈ 0.0113.
        var profile = new ChaosProfile { Name = "rates" };
        profile.Rates[ChaosFaultKind.RateLimit] = 0.05;
        profile.Rates[ChaosFaultKind.MalformedJson] = 0.20;
        profile.Rates[ChaosFaultKind.ServerError] = 0.05;
        using var client = Create(profile);
        const int N = 20_000;
        for (var i = 0; i < N; i++)
        {
            await OutcomeAsync(client);
        }

        var tally = client.InjectedFaults;
        Assert.InRange(tally[ChaosFaultKind.RateLimit] / (double)N, 0.05 - 0.0062, 0.05 + 0.0062);
        Assert.InRange(tally[ChaosFaultKind.ServerError] / (double)N, 0.05 - 0.0062, 0.05 + 0.0062);
        Assert.InRange(tally[ChaosFaultKind.MalformedJson] / (double)N, 0.20 - 0.0113, 0.20 + 0.0113);
        Assert.Equal(3, tally.Count);
        Assert.Equal(N, client.CallCount);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimit_Throws429WithRetryAfter_WithoutCallingInner()
    {
        var profile = Only(ChaosFaultKind.RateLimit);
        profile.RetryAfter = TimeSpan.FromSeconds(7);
        var inner = new ChaosTestChatClient();
        using var client = Create(profile, inner);

        var ex = await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync("q"));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal(0, inner.Calls);
        Assert.Equal(1, client.InjectedFaults[ChaosFaultKind.RateLimit]);
    }

    [Theory]
    [InlineData(ChaosFaultKind.ServerError, HttpStatusCode.InternalServerError)]
    [InlineData(ChaosFaultKind.ServiceUnavailable, HttpStatusCode.ServiceUnavailable)]
    public async Task GetResponseAsync_ServerFaults_ThrowStatus(ChaosFaultKind kind, HttpStatusCode status)
    {
        using var client = Create(Only(kind));

        var ex = await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync("q"));

        Assert.Equal(status, ex.StatusCode);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionReset_ThrowsConnectionErrorWithIOException()
    {
        using var client = Create(Only(ChaosFaultKind.ConnectionReset));

        var ex = await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync("q"));

        Assert.Null(ex.StatusCode);
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        var io = Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal("Connection reset by peer", io.Message);
    }

    [Fact]
    public async Task GetResponseAsync_Truncation_CutsTextAndSetsLength()
    {
        var inner = new ChaosTestChatClient();
        using var client = Create(Only(ChaosFaultKind.Truncation), inner);

        var response = await client.GetResponseAsync("q");

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.True(response.Text.Length < inner.Reply.Length);
        Assert.StartsWith(response.Text, inner.Reply, StringComparison.Ordinal);
        Assert.Contains(new LayerNote("chaos", "injected truncation"), LayerTrace.Get(response));
    }

    [Fact]
    public async Task GetResponseAsync_Refusal_ContentFilter()
    {
        using var client = Create(Only(ChaosFaultKind.Refusal));

        var response = await client.GetResponseAsync("q");

        Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
        Assert.DoesNotContain("ACME", response.Text, StringComparison.Ordinal);
        Assert.NotEmpty(response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_Empty_NoText()
    {
        using var client = Create(Only(ChaosFaultKind.EmptyOutput));

        var response = await client.GetResponseAsync("q");

        Assert.Equal(string.Empty, response.Text);
        Assert.Single(response.Messages);
    }

    [Fact]
    public async Task GetResponseAsync_MalformedJson_DoesNotParse()
    {
        using var client = Create(Only(ChaosFaultKind.MalformedJson));
        for (var i = 0; i < 50; i++)
        {
            var response = await client.GetResponseAsync("q");
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(response.Text));
        }
    }

    [Fact]
    public async Task GetResponseAsync_WrongAnswer_ValidJsonWithOneValueChanged()
    {
        var inner = new ChaosTestChatClient();
        using var client = Create(Only(ChaosFaultKind.WrongAnswer), inner);
        using var original = JsonDocument.Parse(inner.Reply);
        for (var i = 0; i < 50; i++)
        {
            var response = await client.GetResponseAsync("q");
            using var changed = JsonDocument.Parse(response.Text);
            var differences = original.RootElement.EnumerateObject()
                .Count(p => p.Value.GetRawText() != changed.RootElement.GetProperty(p.Name).GetRawText());
            Assert.Equal(1, differences);
        }
    }

    [Fact]
    public async Task GetResponseAsync_WrongAnswer_PlainText_ChangesIt()
    {
        var inner = new ChaosTestChatClient { Reply = "The answer is 42." };
        using var client = Create(Only(ChaosFaultKind.WrongAnswer), inner);

        var response = await client.GetResponseAsync("q");

        Assert.NotEqual(inner.Reply, response.Text);
        Assert.Equal(inner.Reply.Length, response.Text.Length);
    }

    [Fact]
    public async Task GetResponseAsync_Hang_CompletesOnlyWhenCancelled()
    {
        var time = new FakeTimeProvider();
        using var client = Create(Only(ChaosFaultKind.Hang), time: time);
        using var cts = new CancellationTokenSource();

        var call = client.GetResponseAsync("q", cancellationToken: cts.Token);
        time.Advance(TimeSpan.FromDays(365));
        Assert.False(call.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, client.InjectedFaults[ChaosFaultKind.Hang]);
    }

    [Fact]
    public async Task GetResponseAsync_Latency_WaitsOnTimeProviderThenCallsInner()
    {
        var time = new FakeTimeProvider();
        var profile = Only(ChaosFaultKind.Latency);
        profile.Latency = TimeSpan.FromSeconds(2);
        var inner = new ChaosTestChatClient();
        using var client = Create(profile, inner, time);

        var call = client.GetResponseAsync("q");
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        var response = await call;

        Assert.Equal(inner.Reply, response.Text);
        Assert.StartsWith("injected latency", LayerTrace.Get(response)[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_InjectedInstruction_AppendsToToolResults()
    {
        var inner = new ChaosTestChatClient();
        using var client = Create(Only(ChaosFaultKind.InjectedInstruction), inner);
        var messages = new List<ChatMessage>
        {
            new(ChatRole.User, "what's the weather?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "weather")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "sunny")]),
        };

        await client.GetResponseAsync(messages);

        var result = Assert.IsType<FunctionResultContent>(Assert.Single(inner.LastMessages[2].Contents));
        Assert.Equal("sunny\n" + ChaosChatClient.InjectedInstructionText, result.Result);
        Assert.Equal("sunny", ((FunctionResultContent)messages[2].Contents[0]).Result);
    }

    [Fact]
    public async Task GetResponseAsync_Fault_CountedInMeter()
    {
        using var collector = new MetricCollector<long>(null, "Nines.Chaos", "nines.chaos.faults_injected");
        using var client = Create(Only(ChaosFaultKind.ServerError));

        await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync("q"));

        Assert.Contains(collector.GetMeasurementSnapshot(), m => m.Value == 1 && (string?)m.Tags["fault"] == "serverError" && (string?)m.Tags["profile"] == "test");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TransportFault_ThrowsBeforeFirstChunk()
    {
        var inner = new ChaosTestChatClient();
        using var client = Create(Only(ChaosFaultKind.RateLimit), inner);

        await Assert.ThrowsAsync<ModelHttpException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("q"))
            {
                Assert.Fail("No chunk may arrive before the fault.");
            }
        });
        Assert.Equal(0, inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Truncation_AltersChunks()
    {
        var inner = new ChaosTestChatClient();
        using var client = Create(Only(ChaosFaultKind.Truncation), inner);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("q"))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.True(response.Text.Length < inner.Reply.Length);
        Assert.Contains(new LayerNote("chaos", "injected truncation"), LayerTrace.Get(response));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Latency_DelaysFirstChunkOnTimeProvider()
    {
        var time = new FakeTimeProvider();
        var profile = Only(ChaosFaultKind.Latency);
        profile.Latency = TimeSpan.FromSeconds(10);
        using var client = Create(profile, time: time);
        await using var stream = client.GetStreamingResponseAsync("q").GetAsyncEnumerator();

        var first = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(await first);
        Assert.Equal(1, client.InjectedFaults[ChaosFaultKind.Latency]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoFault_PassesThrough()
    {
        var inner = new ChaosTestChatClient();
        using var client = Create(ChaosProfile.None, inner);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("q"))
        {
            updates.Add(update);
        }

        Assert.Equal(2, updates.Count);
        Assert.Equal(inner.Reply, updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task GetResponseAsync_Window_InjectsOnlyInsideIt()
    {
        var profile = ChaosProfile.Outage;
        profile.ActiveFromCall = 3;
        profile.ActiveCalls = 2;
        using var client = Create(profile);

        var outcomes = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            outcomes.Add(await OutcomeAsync(client));
        }

        Assert.Equal(["ok", "ok"], outcomes[..2]);
        Assert.DoesNotContain("ok", outcomes[2..4]);
        Assert.Equal(["ok", "ok"], outcomes[4..]);
    }

    [Fact]
    public void Constructor_RatesOver1_ListsProblems()
    {
        var profile = new ChaosProfile { Name = "bad", RetryAfter = TimeSpan.FromSeconds(-1) };
        profile.Rates[ChaosFaultKind.RateLimit] = 0.7;
        profile.Rates[ChaosFaultKind.ServerError] = 0.6;

        var ex = Assert.Throws<ArgumentException>(() => new ChaosChatClient(new ChaosTestChatClient(), profile));

        Assert.Contains("sum to 1.3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RetryAfter", ex.Message, StringComparison.Ordinal);
    }
}
