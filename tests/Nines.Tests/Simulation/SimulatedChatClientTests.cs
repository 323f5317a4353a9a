using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Tests.Simulation;

public class SimulatedChatClientTests
{
    internal const string Answer = """{"vendor":"ACME Corp","total":1250.50,"lines":3,"paid":false}""";

    internal static readonly SimulationProfile Instant = SimulationProfile.Good with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero };

    private static SimulatedChatClient Create(SimulationProfile profile, int seed = 1, TimeProvider? time = null) =>
        new(profile, new SimulationOptions { Seed = seed, TimeProvider = time ?? new FakeTimeProvider() });

    private static ChatOptions TaskOptions(string answer = Answer) => new ChatOptions().WithSimulatedTask(new SimulatedTask(answer));

    private static SimulatedOutcome Outcome(ChatResponse response) => (SimulatedOutcome)response.AdditionalProperties![SimulatedChatClient.OutcomeKey]!;

    [Fact]
    public async Task GetResponseAsync_5000Calls_AccuracyWithinTolerance()
    {
        // p = 0.9, n = 5000: standard error = sqrt(0.9 * 0.1 / 5000) ≈ 0.0042; 4 standard errors ≈ 0.017.
        using var client = Create(Instant with { Accuracy = 0.9 });
        var correct = 0;
        for (var i = 0; i < 5000; i++)
        {
            var response = await client.GetResponseAsync("extract", TaskOptions());
            if (response.Text == Answer)
            {
                correct++;
            }
        }

        Assert.InRange(correct / 5000.0, 0.9 - 0.017, 0.9 + 0.017);
    }

    [Fact]
    public async Task GetResponseAsync_FailureMix_MatchesWeightsAndShapes()
    {
        // p = 0: every call fails. Weights 4:3:2:1:0 over 4000 calls; 4 standard errors of a 0.4 share ≈ 0.031.
        var profile = Instant with { Accuracy = 0, WrongAnswerWeight = 4, MalformedJsonWeight = 3, TruncatedWeight = 2, RefusalWeight = 1, EmptyWeight = 0 };
        using var client = Create(profile);
        var counts = new Dictionary<SimulatedOutcome, int>();
        for (var i = 0; i < 4000; i++)
        {
            var response = await client.GetResponseAsync("extract", TaskOptions());
            var outcome = Outcome(response);
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            switch (outcome)
            {
                case SimulatedOutcome.WrongAnswer:
                    Assert.NotEqual(Answer, response.Text);
                    using (var doc = JsonDocument.Parse(response.Text))
                    {
                        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
                    }

                    Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
                    break;
                case SimulatedOutcome.MalformedJson:
                    Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(response.Text));
                    break;
                case SimulatedOutcome.Truncated:
                    Assert.Equal(ChatFinishReason.Length, response.FinishReason);
                    Assert.StartsWith(response.Text, Answer, StringComparison.Ordinal);
                    Assert.True(response.Text.Length < Answer.Length);
                    break;
                case SimulatedOutcome.Refusal:
                    Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
                    break;
                default:
                    Assert.Fail($"Unexpected outcome {outcome}.");
                    break;
            }
        }

        Assert.InRange(counts[SimulatedOutcome.WrongAnswer] / 4000.0, 0.4 - 0.031, 0.4 + 0.031);
        Assert.InRange(counts[SimulatedOutcome.MalformedJson] / 4000.0, 0.3 - 0.029, 0.3 + 0.029);
        Assert.InRange(counts[SimulatedOutcome.Truncated] / 4000.0, 0.2 - 0.026, 0.2 + 0.026);
        Assert.InRange(counts[SimulatedOutcome.Refusal] / 4000.0, 0.1 - 0.019, 0.1 + 0.019);
        Assert.False(counts.ContainsKey(SimulatedOutcome.Empty));
    }

    [Fact]
    public async Task GetResponseAsync_EmptyFailure_ReturnsEmptyText()
    {
        using var client = Create(Instant with { Accuracy = 0, WrongAnswerWeight = 0, MalformedJsonWeight = 0, TruncatedWeight = 0, RefusalWeight = 0, EmptyWeight = 1 });

        var response = await client.GetResponseAsync("extract", TaskOptions());

        Assert.Equal(string.Empty, response.Text);
        Assert.Equal(SimulatedOutcome.Empty, Outcome(response));
    }

    [Fact]
    public async Task GetResponseAsync_CustomWrongAnswer_IsUsed()
    {
        using var client = Create(Instant with { Accuracy = 0, MalformedJsonWeight = 0, TruncatedWeight = 0, RefusalWeight = 0, EmptyWeight = 0 });
        var options = new ChatOptions().WithSimulatedTask(new SimulatedTask("42", r => r.Next(100, 200).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var response = await client.GetResponseAsync("q", options);

        Assert.InRange(int.Parse(response.Text, System.Globalization.CultureInfo.InvariantCulture), 100, 199);
    }

    [Fact]
    public async Task GetResponseAsync_SameSeed_SameSequence_DifferentSeed_Different()
    {
        static async Task<List<string>> RunAsync(int seed)
        {
            using var client = Create(Instant with { Accuracy = 0.5 }, seed);
            var texts = new List<string>();
            for (var i = 0; i < 50; i++)
            {
                texts.Add((await client.GetResponseAsync("extract", TaskOptions())).Text);
            }

            return texts;
        }

        var first = await RunAsync(7);
        var second = await RunAsync(7);
        var other = await RunAsync(8);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task GetResponseAsync_Labelled_AsSimulated()
    {
        using var client = Create(Instant with { Accuracy = 0 });

        var response = await client.GetResponseAsync("extract", TaskOptions());

        Assert.Equal("sim:good", response.ModelId);
        Assert.Equal(true, response.AdditionalProperties![SimulatedChatClient.SimulatedKey]);
        var note = Assert.Single(LayerTrace.Get(response));
        Assert.Equal("sim", note.Layer);
        Assert.StartsWith("simulated model 'good' (p=0): ", note.Note, StringComparison.Ordinal);
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("nines-simulation", metadata.ProviderName);
        Assert.Equal("sim:good", metadata.DefaultModelId);
    }

    [Fact]
    public async Task GetResponseAsync_Usage_FromCharacterCounts()
    {
        using var client = Create(SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero });
        var prompt = new string('x', 400);

        var response = await client.GetResponseAsync(prompt, TaskOptions());

        Assert.NotNull(response.Usage);
        Assert.Equal(100, response.Usage.InputTokenCount);
        Assert.Equal((Answer.Length + 3) / 4, response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_Latency_WaitsOnTimeProvider()
    {
        var time = new FakeTimeProvider();
        var profile = SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.FromMilliseconds(500), PerOutputToken = TimeSpan.FromMilliseconds(10), LatencyJitter = 0 };
        using var client = Create(profile, time: time);

        var call = client.GetResponseAsync("q", TaskOptions());
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(call.IsCompleted);

        // 500 ms to the first token + 10 ms per output token (characters / 4, rounded up).
        var outputTokens = (Answer.Length + 3) / 4;
        time.Advance(TimeSpan.FromMilliseconds((outputTokens * 10) - 1));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(2));
        var response = await call;
        Assert.Equal(Answer, response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_Cancelled_ThrowsWithoutTimeAdvancing()
    {
        using var client = Create(SimulationProfile.Good);
        using var cts = new CancellationTokenSource();

        var call = client.GetResponseAsync("q", TaskOptions(), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task GetResponseAsync_NoOracle_GenericReply()
    {
        using var client = Create(SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero });

        var response = await client.GetResponseAsync("What is the capital of France?");

        Assert.Equal("Simulated reply to: What is the capital of France?", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_NoOracle_OnlyTextFailureModes()
    {
        using var client = Create(Instant with { Accuracy = 0 });
        for (var i = 0; i < 200; i++)
        {
            var outcome = Outcome(await client.GetResponseAsync("hello"));
            Assert.Contains(outcome, new[] { SimulatedOutcome.Truncated, SimulatedOutcome.Refusal, SimulatedOutcome.Empty });
        }
    }

    [Fact]
    public async Task GetResponseAsync_OracleFromOptionsAndDefault_Resolves()
    {
        var oracle = new LookupOracle();
        using var withDefault = new SimulatedChatClient(SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero }, new SimulationOptions { Oracle = oracle });
        using var plain = Create(SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero });

        Assert.Equal("""{"sum":5}""", (await withDefault.GetResponseAsync("2+3")).Text);
        Assert.Equal("""{"sum":7}""", (await plain.GetResponseAsync("3+4", new ChatOptions().WithSimulationOracle(oracle))).Text);
    }

    [Fact]
    public async Task GetResponseAsync_ReAsk_DrawsAgain()
    {
        using var client = Create(Instant with { Accuracy = 0.5 }, seed: 3);
        var messages = new List<ChatMessage> { new(ChatRole.User, "extract") };
        var outcomes = new HashSet<SimulatedOutcome>();
        for (var i = 0; i < 20; i++)
        {
            var response = await client.GetResponseAsync(messages, TaskOptions());
            outcomes.Add(Outcome(response));
            messages.AddRange(response.Messages);
            messages.Add(new ChatMessage(ChatRole.User, "That was wrong, try again."));
        }

        Assert.Contains(SimulatedOutcome.Correct, outcomes);
        Assert.True(outcomes.Count > 1);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_YieldsChunksThatJoinToAnswer_WithUsage()
    {
        using var client = Create(SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero });

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("q", TaskOptions()))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 1);
        var response = updates.ToChatResponse();
        Assert.Equal(Answer, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.NotNull(response.Usage);
        Assert.True(response.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Latency_WaitsForFirstToken()
    {
        var time = new FakeTimeProvider();
        using var client = Create(SimulationProfile.Perfect with { LatencyJitter = 0, PerOutputToken = TimeSpan.Zero }, time: time);
        await using var stream = client.GetStreamingResponseAsync("q", TaskOptions()).GetAsyncEnumerator();

        var first = stream.MoveNextAsync().AsTask();
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.True(await first);
    }

    private sealed class LookupOracle : ISimulationOracle
    {
        public SimulatedTask? Resolve(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
        {
            var parts = messages[^1].Text.Split('+');
            return new SimulatedTask($$"""{"sum":{{int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) + int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)}}}""");
        }
    }
}
