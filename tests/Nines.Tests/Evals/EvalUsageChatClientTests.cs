using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Nines.Evals;

namespace Nines.Tests.Evals;

public sealed class EvalUsageChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_ResponseWithUsage_RecordsTokensAndPricedCostOnTheTrial()
    {
        var context = Context(new Dictionary<string, ModelPrice> { ["m"] = new(InputPerMillion: 2m, OutputPerMillion: 10m) });
        using var client = new UsageTestChatClient().AsBuilder().UseEvalUsage(context, "m").Build();

        await client.GetResponseAsync("one");
        await client.GetResponseAsync("two");

        Assert.Equal((200, 60), (context.InputTokens, context.OutputTokens));
        Assert.Equal(((200 * 2.0) + (60 * 10.0)) / 1_000_000, context.CostUsd!.Value, 12);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UsageContentInUpdates_RecordsIt()
    {
        var context = Context();
        using var client = new EvalUsageChatClient(new UsageTestChatClient(), context, "unpriced");

        await foreach (var _ in client.GetStreamingResponseAsync("hello"))
        {
        }

        Assert.Equal((100, 30), (context.InputTokens, context.OutputTokens));
        Assert.Null(context.CostUsd);
    }

    private static EvalTrialContext Context(IReadOnlyDictionary<string, ModelPrice>? prices = null) =>
        new("suite", new EvalConfiguration("c", (_, _) => ValueTask.FromResult<object?>(null)), new EvalCase("k"), trial: 0, seed: 1, prices: prices);

    /// <summary>Replies "ok" with 100 input and 30 output tokens; streaming sends the usage in a final update.</summary>
    private sealed class UsageTestChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 30 } });

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "o");
            yield return new ChatResponseUpdate(ChatRole.Assistant, "k");
            yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 100, OutputTokenCount = 30 })] };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
