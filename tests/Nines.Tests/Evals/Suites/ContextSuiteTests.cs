using Microsoft.Extensions.AI;
using Nines.Agents;
using Nines.Evals;
using Nines.Evals.Suites.Context;

namespace Nines.Tests.Evals.Suites;

public class ContextSuiteTests
{
    // The clock only paces simulated latency; outcomes do not depend on it, so the tests run it fast.
    private static readonly (string, string) _fast = ("speedup", "100000");

    [Fact]
    public async Task Run_DefaultSettings_BudgetBeatsNoBudgetSignificantly()
    {
        var suite = SuiteTrials.Create("context", _fast);
        var rows = await SuiteTrials.RunAsync(suite);

        Assert.Equal(400, rows.Count);
        var summary = EvalStatistics.Compute(rows, new EvalStatisticsOptions { Baseline = "no-budget" });
        var comparison = Assert.Single(summary.Comparisons, c => c.Configuration == "budget");
        Assert.Equal(EvalComparisonOutcome.Better, comparison.Outcome);
        Assert.True(comparison.PValue < 0.001, $"p = {comparison.PValue}");
        Assert.InRange(rows.SuccessRate("no-budget"), 0.50, 0.75);
        Assert.True(rows.SuccessRate("budget") >= 0.88, $"budget success {rows.SuccessRate("budget")}");
        Assert.True(comparison.DifferenceLower > 0.15, $"difference lower bound {comparison.DifferenceLower}");

        // The budget holds every prompt to 6,000 tokens; without it the last prompts hold the whole log.
        Assert.All(rows.Where(r => r.Configuration == "budget"), r => Assert.True(r.Metrics!["peak_prompt_tokens"] <= 6_000, $"{r.CaseId}/{r.Trial}: {r.Metrics!["peak_prompt_tokens"]}"));
        Assert.All(rows.Where(r => r.Configuration == "no-budget"), r => Assert.True(r.Metrics!["peak_prompt_tokens"] > 20_000));
        Assert.All(rows.Where(r => r.Configuration == "no-budget"), r => Assert.Equal(0, r.Metrics!["reductions"]));
        Assert.True(rows.Where(r => r.Configuration == "budget").All(r => r.Metrics!["reductions"] > 10));

        // The reducer kept the task and the recent chunk: no budget trial lost a fact.
        Assert.DoesNotContain(rows, r => r.FailureCategory == ContextSuite.LostContext);

        // Common random numbers: the same draws decide both configurations and a shorter prompt only raises accuracy, so a
        // trial that passes without the budget passes with it.
        var budget = rows.Where(r => r.Configuration == "budget").ToDictionary(r => (r.CaseId, r.Trial));
        Assert.All(rows.Where(r => r.Configuration == "no-budget" && r.Passed), r => Assert.True(budget[(r.CaseId, r.Trial)].Passed, $"{r.CaseId}/{r.Trial}"));

        // And the budget costs less: each call sends at most 6,000 tokens instead of the growing log.
        Assert.True(rows.Where(r => r.Configuration == "budget").Sum(r => r.InputTokens) * 2 < rows.Where(r => r.Configuration == "no-budget").Sum(r => r.InputTokens));
    }

    [Fact]
    public async Task Run_SameSeedTwice_GivesTheSameOutcomes()
    {
        static async Task<List<string>> RunOnceAsync()
        {
            var rows = await SuiteTrials.RunAsync(SuiteTrials.Create("context", _fast, ("cases", "4"), ("chunks", "8")), trials: 3);
            return [.. rows.Select(r => $"{r.Configuration}/{r.CaseId}/{r.Trial}: {r.Passed} {r.FailureCategory} {r.InputTokens} {r.OutputTokens}")];
        }

        var first = await RunOnceAsync();
        var second = await RunOnceAsync();

        Assert.Equal(24, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Run_NoDecay_BothConfigurationsAnswerAlike()
    {
        // Without decay the prompt size does not matter, so the budget neither helps nor hurts: the gap is the decay's doing.
        var rows = await SuiteTrials.RunAsync(SuiteTrials.Create("context", _fast, ("model", "sim:perfect"), ("cases", "5"), ("chunks", "10")), trials: 2);

        Assert.Equal(1.0, rows.SuccessRate("no-budget"));
        Assert.Equal(1.0, rows.SuccessRate("budget"));
    }

    [Fact]
    public void Answer_FromWhatThePromptHolds_LatestRootCauseWinsAndLostFactsAreUnknown()
    {
        var incident = IncidentLog.Generate(1, 5, 200, ContextSuite.ScenarioSeed)[0];
        var task = new ChatMessage(ChatRole.User, incident.Task);
        ChatMessage Chunk(int n) => new(ChatRole.Tool, [new FunctionResultContent("c" + n, incident.Chunks[n - 1])]);

        Assert.Contains(incident.PreliminaryCause, incident.Chunks[1], StringComparison.Ordinal);
        Assert.Contains(incident.RootCause, incident.Chunks[3], StringComparison.Ordinal);
        Assert.Equal(
            $$"""{"ticket":"{{incident.Ticket}}","rootCause":"{{incident.RootCause}}"}""",
            ContextAgentChatClient.Answer([task, Chunk(1), Chunk(2), Chunk(3), Chunk(4), Chunk(5)]));
        Assert.Equal(
            $$"""{"ticket":"{{incident.Ticket}}","rootCause":"{{incident.PreliminaryCause}}"}""",
            ContextAgentChatClient.Answer([task, Chunk(2), Chunk(3), Chunk(5)]));
        Assert.Equal(
            $$"""{"ticket":"unknown","rootCause":"{{incident.RootCause}}"}""",
            ContextAgentChatClient.Answer([Chunk(4), Chunk(5)]));
    }

    [Fact]
    public void NextChunk_FollowsTheLatestChunkAndAnswersAfterTheLast()
    {
        var incident = IncidentLog.Generate(1, 3, 100, ContextSuite.ScenarioSeed)[0];
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", ContextAgentChatClient.ToolName)]);
        ChatMessage Chunk(int n) => new(ChatRole.Tool, [new FunctionResultContent("c", incident.Chunks[n - 1])]);

        Assert.Equal(1, ContextAgentChatClient.NextChunk([new(ChatRole.User, incident.Task)]));
        Assert.Equal(3, ContextAgentChatClient.NextChunk([new(ChatRole.User, incident.Task), call, Chunk(2)]));
        Assert.Null(ContextAgentChatClient.NextChunk([new(ChatRole.User, incident.Task), call, Chunk(3)]));
        Assert.Null(ContextAgentChatClient.NextChunk([new(ChatRole.User, incident.Task), new(ChatRole.Assistant, "{}"), new(ChatRole.User, "Fix the JSON.")]));
    }

    [Fact]
    public void Score_LostFactOrWrongValue_IsCategorised()
    {
        var incident = IncidentLog.Generate(1, 4, 100, ContextSuite.ScenarioSeed)[0];
        var evalCase = new EvalCase(incident.Id, incident, incident.Truth);
        var context = new EvalTrialContext("context", new EvalConfiguration("x", (_, _) => ValueTask.FromResult<object?>(null)), evalCase, 0, 1, TimeProvider.System, new Dictionary<string, ModelPrice>());
        ContextOutcome Outcome(IncidentAnswer? answer, AgentStopReason stop = AgentStopReason.Completed) =>
            new(answer, stop, "detail", Nines.Models.FailureCategory.None, 5, 0, 100, 0.9);

        Assert.True(ContextSuite.Score(evalCase, Outcome(incident.Truth), context).Passed);
        Assert.Equal(ContextSuite.LostContext, ContextSuite.Score(evalCase, Outcome(incident.Truth with { Ticket = "unknown" }), context).FailureCategory);
        Assert.Equal("WrongAnswer", ContextSuite.Score(evalCase, Outcome(incident.Truth with { RootCause = incident.PreliminaryCause }), context).FailureCategory);
        Assert.Equal("ContextBudgetExceeded", ContextSuite.Score(evalCase, Outcome(null, AgentStopReason.ContextBudgetExceeded), context).FailureCategory);
    }

    [Theory]
    [InlineData("chunks", "2", "--chunks must be at least 3")]
    [InlineData("budget", "0", "--budget must be at least 1")]
    [InlineData("model", "openai:gpt-4o", "is not a simulated model")]
    public void Create_BadArgument_NamesTheOption(string name, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => SuiteTrials.Create("context", (name, value)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
