using System.Globalization;
using CsCheck;
using Microsoft.Extensions.AI;
using Nines.Agents;

namespace Nines.Tests.Agents;

public sealed class ContextBudgetReducerTests
{
    private const string System = "You are a careful assistant.";
    private const string Task = "Find the root cause of incident 42.";

    [Fact]
    public void Reduce_UnderBudget_ReturnsTheSameMessagesAndNoRecord()
    {
        var messages = Loop(results: 2, resultChars: 40);

        var (reduced, reduction) = new ContextBudgetReducer(10_000).Reduce(messages, reservedTokens: 0, modelCall: 1);

        Assert.Same(messages, reduced);
        Assert.Null(reduction);
    }

    [Fact]
    public void Reduce_OverBudget_KeepsSystemTaskAndLatestTurnWhole()
    {
        var messages = Loop(results: 6, resultChars: 4_000);

        var (reduced, reduction) = new ContextBudgetReducer(1_500).Reduce(messages, 0, 3);

        Assert.Equal(System, reduced[0].Text);
        Assert.Equal(Task, reduced[1].Text);
        Assert.Same(messages[^1], reduced[^1]);
        Assert.Same(messages[^2], reduced[^2]);
        Assert.Equal(new string('5', 4_000), ResultText(reduced[^1]));
        Assert.NotNull(reduction);
        Assert.True(reduction.Fits);
        Assert.Equal(3, reduction.ModelCall);
        Assert.Equal(1_500, reduction.Budget);
        Assert.True(reduction.TokensAfter <= 1_500, $"{reduction.TokensAfter} tokens after");
        Assert.True(reduction.TokensBefore > 6_000, $"{reduction.TokensBefore} tokens before");
    }

    [Fact]
    public void Reduce_SlightlyOverBudget_DropsOnlyTheOldestToolResult()
    {
        // 4 results of 1,000 tokens; the budget is 500 tokens short, so one placeholder is enough.
        var messages = Loop(results: 4, resultChars: 4_000);
        var total = messages.Sum(CharacterTokenEstimator.Default.EstimateTokens);

        var (reduced, reduction) = new ContextBudgetReducer(total - 500).Reduce(messages, 0, 1);

        Assert.Equal(messages.Count, reduced.Count);
        Assert.Contains("dropped to fit the context budget", ResultText(reduced[3]), StringComparison.Ordinal);
        Assert.Contains("'read'", ResultText(reduced[3]), StringComparison.Ordinal);
        Assert.Equal(new string('1', 4_000), ResultText(reduced[5]));
        Assert.Equal(new string('2', 4_000), ResultText(reduced[7]));
        Assert.Equal(1, reduction!.ToolResultsDropped);
        Assert.Equal(0, reduction.MessagesDropped);
        Assert.Equal(["call-0"], reduction.CallIds);
    }

    [Fact]
    public void Reduce_DroppedResults_EveryToolCallStillHasItsResult()
    {
        var messages = Loop(results: 8, resultChars: 2_000);

        var (reduced, _) = new ContextBudgetReducer(1_000).Reduce(messages, 0, 1);

        AssertPairingValid(reduced);
        Assert.True(reduced.Count < messages.Count || reduced.Any(m => ResultText(m).Contains("dropped", StringComparison.Ordinal)));
    }

    [Fact]
    public void Reduce_TruncateStrategy_KeepsAnExcerptOfOldResultsBeforeDroppingAny()
    {
        var messages = Loop(results: 4, resultChars: 4_000);
        var total = messages.Sum(CharacterTokenEstimator.Default.EstimateTokens);

        var (reduced, reduction) = new ContextBudgetReducer(total - 1_500, ContextReductionStrategy.TruncateOldToolResults, excerptTokens: 50)
            .Reduce(messages, 0, 1);

        var first = ResultText(reduced[3]);
        Assert.Contains("shortened to fit the context budget", first, StringComparison.Ordinal);
        Assert.Contains(new string('0', 200), first, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('0', 201), first, StringComparison.Ordinal);
        Assert.Equal(2, reduction!.ToolResultsTruncated);
        Assert.Equal(0, reduction.ToolResultsDropped);
        Assert.Equal(new string('2', 4_000), ResultText(reduced[7]));
    }

    [Fact]
    public void Reduce_PlaceholdersNotEnough_RemovesOldTurnsWithTheirResultsOldestFirst()
    {
        // Many small turns: placeholders save little, so whole turns (call + result) must go.
        var messages = Loop(results: 30, resultChars: 40);
        var minimum = new[] { messages[0], messages[1], messages[^2], messages[^1] }.Sum(CharacterTokenEstimator.Default.EstimateTokens);

        var (reduced, reduction) = new ContextBudgetReducer(minimum + 60).Reduce(messages, 0, 1);

        Assert.True(reduction!.Fits);
        Assert.True(reduction.MessagesDropped > 0);
        Assert.Equal(0, reduction.MessagesDropped % 2);
        AssertPairingValid(reduced);

        // What is left of the middle is the most recent turns: the oldest went first.
        var keptCalls = reduced.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => int.Parse(c.CallId[5..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(30 - keptCalls.Count, keptCalls.Count), keptCalls);
    }

    [Fact]
    public void Reduce_KeptMinimumOverBudget_ReturnsTheMinimumAndSaysItDoesNotFit()
    {
        var messages = Loop(results: 3, resultChars: 4_000);

        var (reduced, reduction) = new ContextBudgetReducer(200).Reduce(messages, 0, 4);

        Assert.False(reduction!.Fits);
        Assert.Equal(4, reduced.Count);
        Assert.Equal([System, Task], reduced.Take(2).Select(m => m.Text));
        Assert.Same(messages[^1], reduced[^1]);
        Assert.True(reduction.TokensAfter > 200);
        Assert.Equal(4, reduction.MessagesDropped);
    }

    [Fact]
    public void Reduce_ReservedTokens_CountTowardTheBudget()
    {
        var messages = Loop(results: 3, resultChars: 400);
        var total = messages.Sum(CharacterTokenEstimator.Default.EstimateTokens);
        var reducer = new ContextBudgetReducer(total);

        Assert.Null(reducer.Reduce(messages, 0, 1).Reduction);
        var (_, reduction) = reducer.Reduce(messages, reservedTokens: 50, modelCall: 1);
        Assert.Equal(total + 50, reduction!.TokensBefore);
        Assert.True(reduction.Fits);
    }

    [Fact]
    public void Reduce_NoAssistantMessageYet_KeepsEverythingAsTheLatestTurn()
    {
        ChatMessage[] messages = [new(ChatRole.System, System), new(ChatRole.User, new string('x', 4_000))];

        var (reduced, reduction) = new ContextBudgetReducer(100).Reduce(messages, 0, 1);

        Assert.Equal(2, reduced.Count);
        Assert.False(reduction!.Fits);
    }

    [Fact]
    public async Task ReduceAsync_AsChatReducer_ShrinksTheConversationForReducingChatClient()
    {
#pragma warning disable MEAI001 // IChatReducer is experimental; this test checks that the reducer plugs into it.
        IChatReducer reducer = new ContextBudgetReducer(1_500);
#pragma warning restore MEAI001
        var messages = Loop(results: 6, resultChars: 4_000);

        var reduced = (await reducer.ReduceAsync(messages, CancellationToken.None)).ToList();

        Assert.True(reduced.Sum(CharacterTokenEstimator.Default.EstimateTokens) <= 1_500);
        Assert.Equal(Task, reduced[1].Text);
        AssertPairingValid(reduced);
    }

    [Fact]
    public void Constructor_InvalidSettings_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContextBudgetReducer(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContextBudgetReducer(100, excerptTokens: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContextBudgetReducer(100, (ContextReductionStrategy)7));
    }

    [Fact]
    public void Reduce_AnyConversationAndBudget_KeepsTheProtectedMessagesAndValidPairingDeterministically()
    {
        var gen = Gen.Select(Gen.Int[0, 12], Gen.Int[1, 3_000], Gen.Int[20, 5_000], Gen.Bool);
        gen.Sample((turns, chars, budget, truncate) =>
        {
            var messages = Loop(turns, chars);
            var strategy = truncate ? ContextReductionStrategy.TruncateOldToolResults : ContextReductionStrategy.DropOldToolResults;
            var reducer = new ContextBudgetReducer(budget, strategy, excerptTokens: 20);

            var (reduced, reduction) = reducer.Reduce(messages, 0, 1);
            var (again, _) = reducer.Reduce(messages, 0, 1);

            Assert.Equal(reduced.Select(Render), again.Select(Render));
            Assert.Equal(System, reduced[0].Text);
            Assert.Equal(Task, reduced[1].Text);
            Assert.Same(messages[^1], reduced[^1]);
            AssertPairingValid(reduced);
            var after = reduced.Sum(CharacterTokenEstimator.Default.EstimateTokens);
            if (reduction is null)
            {
                Assert.True(after <= budget);
            }
            else
            {
                Assert.Equal(after, reduction.TokensAfter);
                Assert.Equal(reduction.Fits, after <= budget);
                Assert.True(after <= reduction.TokensBefore);
            }
        });
    }

    [Fact]
    public void CharacterTokenEstimator_CountsTextToolCallsAndResults()
    {
        var estimator = new CharacterTokenEstimator();

        Assert.Equal(3, estimator.EstimateTokens(new ChatMessage(ChatRole.User, "123456789")));
        Assert.Equal(250, estimator.EstimateTokens(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c", new string('x', 1_000))])));

        // "read" + {"page":1} = 4 + 10 characters.
        Assert.Equal(4, estimator.EstimateTokens(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "read", new Dictionary<string, object?> { ["page"] = 1 })])));
        Assert.Equal(1, new CharacterTokenEstimator(10).EstimateTokens(new ChatMessage(ChatRole.User, "123456789")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CharacterTokenEstimator(0));
    }

    /// <summary>System, task, then <paramref name="results"/> turns of a read call and its result of <paramref name="resultChars"/> digits of the turn's number.</summary>
    internal static List<ChatMessage> Loop(int results, int resultChars)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, System), new(ChatRole.User, Task) };
        for (var i = 0; i < results; i++)
        {
            var id = "call-" + i.ToString(CultureInfo.InvariantCulture);
            messages.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(id, "read", new Dictionary<string, object?> { ["page"] = i })]));
            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(id, new string((char)('0' + (i % 10)), resultChars))]));
        }

        return messages;
    }

    internal static void AssertPairingValid(IEnumerable<ChatMessage> messages)
    {
        var list = messages.ToList();
        var calls = list.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToList();
        var results = list.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToList();
        Assert.Equal(calls.Order(), results.Order());
    }

    private static string ResultText(ChatMessage message) =>
        string.Concat(message.Contents.OfType<FunctionResultContent>().Select(r => r.Result?.ToString()));

    private static string Render(ChatMessage message) =>
        message.Role + ":" + message.Text + string.Concat(message.Contents.Select(c => c switch
        {
            FunctionCallContent call => "call " + call.CallId,
            FunctionResultContent result => "result " + result.CallId + " " + result.Result,
            _ => string.Empty,
        }));
}
