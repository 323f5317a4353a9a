using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nines.Agents;
using static Nines.Tests.Agents.AgentTestChatClient;

namespace Nines.Tests.Agents;

public sealed class AgentRunnerContextTests
{
    private static ChatMessage[] Ask => [new(ChatRole.System, "You read pages."), new(ChatRole.User, "Read pages 0 to 5, then say done.")];

    [Fact]
    public async Task RunAsync_LongToolLoopWithBudget_EveryPromptFitsAndTheTranscriptStaysWhole()
    {
        var client = Scripted(Enumerable.Range(0, 6).Select(i => Call("read", new { page = i })).Append(Text("done")).ToArray());
        var read = AIFunctionFactory.Create((int page) => new string((char)('a' + page), 4_000), "read");

        var result = await new AgentRunner(client, new AgentRunOptions { MaxContextTokens = 2_500 }).RunAsync(Ask, [read]);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        Assert.All(client.Calls, call => Assert.True(call.Messages.Sum(CharacterTokenEstimator.Default.EstimateTokens) <= 2_500));
        Assert.All(client.Calls, call => Assert.Equal("Read pages 0 to 5, then say done.", call.Messages[1].Text));
        Assert.All(client.Calls, call => ContextBudgetReducerTests.AssertPairingValid(call.Messages));

        // The last call still sees the latest page whole; the transcript keeps every page.
        Assert.Contains(ResultsSeen(client.Calls[^1].Messages), r => r.Result?.ToString() == new string('f', 4_000));
        Assert.Equal(6, ResultsSeen(result.Messages).Count(r => r.Result?.ToString()?.Length == 4_000));

        // Calls 1-3 fitted; from call 4 on (three pages read), old pages were dropped, and each reduction is on record.
        Assert.Equal([4, 5, 6, 7], result.ContextReductions.Select(r => r.ModelCall));
        Assert.All(result.ContextReductions, r => Assert.True(r.Fits && r.TokensBefore > 2_500 && r.TokensAfter <= 2_500));
        Assert.Equal(["call-0"], result.ContextReductions[0].CallIds);
        Assert.Equal(4, result.ContextReductions[^1].ToolResultsDropped);
    }

    [Fact]
    public async Task RunAsync_NoBudget_SendsTheWholeTranscriptAndRecordsNothing()
    {
        var client = Scripted(Call("read", new { page = 0 }), Call("read", new { page = 1 }), Text("done"));
        var read = AIFunctionFactory.Create((int page) => new string('x', 40_000), "read");

        var result = await new AgentRunner(client).RunAsync(Ask, [read]);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        Assert.Empty(result.ContextReductions);
        Assert.Equal(2, ResultsSeen(client.Calls[^1].Messages).Count(r => r.Result?.ToString()?.Length == 40_000));
    }

    [Fact]
    public async Task RunAsync_LatestTurnAloneOverBudget_StopsWithContextBudgetExceededWithoutTheCall()
    {
        var client = Scripted(Call("read", new { page = 0 }), Text("done"));
        var read = AIFunctionFactory.Create((int page) => new string('x', 20_000), "read");

        var result = await new AgentRunner(client, new AgentRunOptions { MaxContextTokens = 1_000 }).RunAsync(Ask, [read]);

        Assert.Equal(AgentStopReason.ContextBudgetExceeded, result.StopReason);
        Assert.False(result.IsCompleted);
        Assert.Single(client.Calls);
        Assert.Equal(1, result.Iterations);
        Assert.Contains("MaxContextTokens is 1000", result.Detail, StringComparison.Ordinal);
        Assert.Contains("model call 2", result.Detail, StringComparison.Ordinal);
        var reduction = Assert.Single(result.ContextReductions);
        Assert.False(reduction.Fits);
    }

    [Fact]
    public async Task RunAsync_InstructionsCountTowardTheBudget()
    {
        var client = Scripted(Text("done"));
        var options = new ChatOptions { Instructions = new string('i', 8_000) };

        var result = await new AgentRunner(client, new AgentRunOptions { MaxContextTokens = 1_000 }).RunAsync(Ask, [], options);

        Assert.Equal(AgentStopReason.ContextBudgetExceeded, result.StopReason);
        Assert.Empty(client.Calls);
        Assert.True(Assert.Single(result.ContextReductions).TokensBefore >= 2_000);
    }

    [Fact]
    public async Task RunAsync_TruncateStrategy_ModelSeesExcerptsOfOldPages()
    {
        var client = Scripted(Call("read", new { page = 0 }), Call("read", new { page = 1 }), Text("done"));
        var read = AIFunctionFactory.Create((int page) => new string((char)('a' + page), 4_000), "read");
        var options = new AgentRunOptions { MaxContextTokens = 1_500, ContextReduction = ContextReductionStrategy.TruncateOldToolResults, ContextExcerptTokens = 25 };

        var result = await new AgentRunner(client, options).RunAsync(Ask, [read]);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        var first = ResultsSeen(client.Calls[^1].Messages).First().Result!.ToString()!;
        Assert.Contains("shortened", first, StringComparison.Ordinal);
        Assert.Contains(new string('a', 100), first, StringComparison.Ordinal);
        Assert.Equal(1, result.ContextReductions[^1].ToolResultsTruncated);
    }

    [Fact]
    public async Task RunAsync_CustomReducer_IsUsedAndWhatItRemovedIsRecordedByDifference()
    {
#pragma warning disable MEAI001 // MessageCountingChatReducer is experimental in Microsoft.Extensions.AI.
        var reducer = new MessageCountingChatReducer(2);
#pragma warning restore MEAI001
        var client = Scripted(Call("read", new { page = 0 }), Call("read", new { page = 1 }), Text("done"));
        var read = AIFunctionFactory.Create((int page) => new string('x', 4_000), "read");

        var result = await new AgentRunner(client, new AgentRunOptions { MaxContextTokens = 1_500, ContextReducer = reducer }).RunAsync(Ask, [read]);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);

        // Microsoft.Extensions.AI's message-counting reducer leaves out every tool call and result, the latest one too:
        // the model sees the task but never the page it just read. The built-in reducer keeps the latest turn whole.
        Assert.Empty(ResultsSeen(client.Calls[^1].Messages));
        Assert.Equal("Read pages 0 to 5, then say done.", client.Calls[^1].Messages[^1].Text);
        var reduction = result.ContextReductions[^1];
        Assert.Equal(3, reduction.ModelCall);
        Assert.Equal(4, reduction.MessagesDropped);
        Assert.Equal(2, reduction.ToolResultsDropped);
        Assert.Equal(["call-0", "call-1"], reduction.CallIds);
    }

    [Fact]
    public async Task RunAsync_Reduction_EmitsAnActivityOnTheAgentsSource()
    {
        var seen = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Nines.Agents",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (seen)
                {
                    seen.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var client = Scripted(Call("read", new { page = 0 }), Call("read", new { page = 1 }), Text("done"));
        var read = AIFunctionFactory.Create((int page) => new string('x', 4_000) + Guid.NewGuid(), "read");

        var result = await new AgentRunner(client, new AgentRunOptions { MaxContextTokens = 1_500 }).RunAsync(Ask, [read]);

        var reduction = Assert.Single(result.ContextReductions);
        Activity activity;
        lock (seen)
        {
            // Other tests may reduce in parallel; this run's activity is the one with its numbers.
            activity = Assert.Single(seen, a => a.OperationName == "agents.context_reduction" && (int)a.GetTagItem("nines.agents.context.tokens_before")! == reduction.TokensBefore);
        }

        Assert.Equal(reduction.TokensAfter, activity.GetTagItem("nines.agents.context.tokens_after"));
        Assert.Equal(1, activity.GetTagItem("nines.agents.context.tool_results_dropped"));
        Assert.Equal(true, activity.GetTagItem("nines.agents.context.fits"));
    }

    [Fact]
    public void Constructor_InvalidContextOptions_ListsEveryProblem()
    {
#pragma warning disable MEAI001 // MessageCountingChatReducer is experimental in Microsoft.Extensions.AI.
        var options = new AgentRunOptions
        {
            MaxContextTokens = 0,
            ContextExcerptTokens = 0,
            ContextReduction = (ContextReductionStrategy)9,
            TokenEstimator = null!,
        };
        var orphanReducer = new AgentRunOptions { ContextReducer = new MessageCountingChatReducer(4) };
#pragma warning restore MEAI001

        var error = Assert.Throws<ArgumentException>(() => new AgentRunner(Scripted(Text("x")), options));
        Assert.Contains("MaxContextTokens is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContextExcerptTokens is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContextReduction is 9", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenEstimator is null", error.Message, StringComparison.Ordinal);
        var orphan = Assert.Throws<ArgumentException>(() => new AgentRunner(Scripted(Text("x")), orphanReducer));
        Assert.Contains("ContextReducer is set but MaxContextTokens is null", orphan.Message, StringComparison.Ordinal);
    }
}
