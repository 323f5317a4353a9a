using System.Net;
using Microsoft.Extensions.AI;
using Nines.Consensus;
using Nines.Contracts;
using Nines.Models;
using static Nines.Tests.Consensus.ConsensusTestChatClient;

namespace Nines.Tests.Consensus;

public sealed class ConsensusChatClientExtensionsTests
{
    public sealed record Answer(string City);

    private static string A(string city) => $$"""{"city":"{{city}}"}""";

    private static ConsensusOptions Sequential(Action<ConsensusOptions>? configure = null)
    {
        var options = new ConsensusOptions { MaxParallelism = 1 };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task VoteAsync_Majority_PicksTheMode()
    {
        var client = Answering(A("Paris"), A("Lyon"), A("Paris"), A("Nice"), A("Paris"));

        var result = await client.VoteAsync<Answer>("Capital?", Sequential(o => { o.Mode = ConsensusMode.Majority; o.Samples = 5; }));

        Assert.Equal("Paris", result.Winner.City);
        Assert.Equal(5, result.SamplesDrawn);
        Assert.Equal(3, result.Votes[result.WinnerKey]);
        Assert.Equal(3, result.Votes.Count);
        Assert.True(result.ReachedMargin);
        Assert.False(result.Escalated);
    }

    [Fact]
    public async Task VoteAsync_Majority_StopsOnceTheWinnerCannotBeCaught()
    {
        var client = Answering(A("Paris"), A("Paris"), A("Paris"), A("Lyon"), A("Lyon"));

        var result = await client.VoteAsync<Answer>("Capital?", Sequential(o => { o.Mode = ConsensusMode.Majority; o.Samples = 5; }));

        Assert.Equal("Paris", result.Winner.City);
        Assert.Equal(3, client.Calls);
    }

    [Fact]
    public async Task VoteAsync_MajorityTie_ThrowsNoConsensusWithTally()
    {
        var client = Answering(A("Paris"), A("Lyon"), A("Paris"), A("Lyon"));

        var ex = await Assert.ThrowsAsync<NoConsensusException>(
            () => client.VoteAsync<Answer>("Capital?", Sequential(o => { o.Mode = ConsensusMode.Majority; o.Samples = 4; })));

        Assert.Equal(FailureCategory.NoConsensus, ex.Category);
        Assert.Equal([2, 2], ex.Votes.Values);
        Assert.Equal(4, ex.SamplesDrawn);
    }

    [Fact]
    public async Task VoteAsync_AheadByK_StopsExactlyWhenMarginReached()
    {
        var client = Answering(A("Paris"), A("Lyon"), A("Paris"), A("Paris"), A("Lyon"), A("Lyon"));

        var result = await client.VoteAsync<Answer>("Capital?", Sequential(o => o.K = 2));

        Assert.Equal(4, client.Calls);
        Assert.Equal(4, result.SamplesDrawn);
        Assert.Equal("Paris", result.Winner.City);
        Assert.Equal(3, result.Votes[result.WinnerKey]);
        Assert.Equal(2, result.Margin);
        Assert.True(result.ReachedMargin);
    }

    [Fact]
    public async Task VoteAsync_RedFlags_DiscardedResampledAndCounted()
    {
        var texts = new[] { "not json at all", A("Paris"), A(new string('x', 400)), A("FORBIDDEN"), """{"city":1}""", A("Paris"), A("Paris") };
        var client = new ConsensusTestChatClient { OnGetResponse = (n, _, _) => Reply(texts[n - 1], outputTokens: n == 3 ? 120 : 5) };
        var options = Sequential(o =>
        {
            o.K = 3;
            o.MaxOutputTokens = 50;
            o.RedFlag = r => r.Text.Contains("FORBIDDEN", StringComparison.Ordinal) ? "mentions a forbidden word" : null;
        });

        var result = await client.VoteAsync<Answer>("Capital?", options);

        Assert.Equal("Paris", result.Winner.City);
        Assert.Equal(7, result.SamplesDrawn);
        Assert.Equal(4, result.SamplesRedFlagged);
        Assert.Equal(3, result.Votes.Values.Sum());
        Assert.Equal([1, 3, 4, 5], result.RedFlags.Select(f => f.Sample));
        Assert.Equal(RedFlagReason.Format, result.RedFlags[0].Reason);
        Assert.Equal(FailureCategory.MalformedJson, result.RedFlags[0].Category);
        Assert.Equal(RedFlagReason.TokenCap, result.RedFlags[1].Reason);
        Assert.Equal(RedFlagReason.Caller, result.RedFlags[2].Reason);
        Assert.Equal("mentions a forbidden word", result.RedFlags[2].Detail);
        Assert.Equal(RedFlagReason.Contract, result.RedFlags[3].Reason);
        Assert.Equal(FailureCategory.SchemaViolation, result.RedFlags[3].Category);
        Assert.Equal(
            new Dictionary<RedFlagReason, int> { [RedFlagReason.Format] = 1, [RedFlagReason.TokenCap] = 1, [RedFlagReason.Caller] = 1, [RedFlagReason.Contract] = 1 },
            result.RedFlagsByReason);
    }

    [Fact]
    public async Task VoteAsync_TokenCapWithoutUsage_EstimatesFromTextLength()
    {
        var client = new ConsensusTestChatClient
        {
            OnGetResponse = (n, _, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, n == 1 ? A(new string('y', 100)) : A("Rome"))),
        };

        var result = await client.VoteAsync<Answer>("Capital?", Sequential(o => { o.K = 1; o.MaxOutputTokens = 10; }));

        Assert.Equal("Rome", result.Winner.City);
        var flag = Assert.Single(result.RedFlags);
        Assert.Equal(RedFlagReason.TokenCap, flag.Reason);
        Assert.Contains("estimated", flag.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VoteAsync_ContractRule_RedFlagsBrokenSamples()
    {
        var contract = new Contract<Answer>().Require(a => a.City != "Atlantis", "the city must exist");
        var client = Answering(A("Atlantis"), A("Atlantis"), A("Oslo"));

        var result = await client.VoteAsync("Capital?", Sequential(o => o.K = 1), contract);

        Assert.Equal("Oslo", result.Winner.City);
        Assert.All(result.RedFlags, f => Assert.Equal(FailureCategory.RuleViolation, f.Category));
        Assert.Equal(2, result.SamplesRedFlagged);
        Assert.Equal(contract.ResponseFormat, client.Options[0]!.ResponseFormat);
    }

    [Fact]
    public async Task VoteAsync_BudgetExhausted_ThrowsNoConsensusWithTally()
    {
        var client = new ConsensusTestChatClient { OnGetResponse = (n, _, _) => Reply(A(n % 2 == 1 ? "Paris" : "Lyon")) };

        var ex = await Assert.ThrowsAsync<NoConsensusException>(
            () => client.VoteAsync<Answer>("Capital?", Sequential(o => { o.K = 2; o.MaxSamples = 6; })));

        Assert.Equal(6, client.Calls);
        Assert.Equal(6, ex.SamplesDrawn);
        Assert.Equal([3, 3], ex.Votes.Values);
        Assert.Contains("ahead by 2 within 6 samples", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VoteAsync_BudgetExhausted_CallsEscalationHook()
    {
        var client = new ConsensusTestChatClient { OnGetResponse = (n, _, _) => Reply(A(n % 2 == 1 ? "Paris" : "Lyon")) };
        EscalationContext? seen = null;
        var options = Sequential(o =>
        {
            o.K = 2;
            o.MaxSamples = 4;
            o.Escalation = (context, _) =>
            {
                seen = context;
                return ValueTask.FromResult<ChatResponse?>(Reply(A("Marseille"), outputTokens: 100));
            };
        });

        var result = await client.VoteAsync<Answer>("Capital?", options);

        Assert.NotNull(seen);
        Assert.Equal(4, seen.SamplesDrawn);
        Assert.Equal([2, 2], seen.Votes.Values);
        Assert.Equal("Capital?", seen.Messages[0].Text);
        Assert.Equal("Marseille", result.Winner.City);
        Assert.True(result.Escalated);
        Assert.False(result.ReachedMargin);
        Assert.Equal(4 * 5 + 100, result.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task VoteAsync_EscalationGivesUp_ThrowsNoConsensus()
    {
        var client = new ConsensusTestChatClient { OnGetResponse = (n, _, _) => Reply(A(n % 2 == 1 ? "Paris" : "Lyon")) };

        await Assert.ThrowsAsync<NoConsensusException>(() => client.VoteAsync<Answer>(
            "Capital?", Sequential(o => { o.K = 2; o.MaxSamples = 2; o.Escalation = (_, _) => ValueTask.FromResult<ChatResponse?>(null); })));
    }

    [Fact]
    public async Task VoteAsync_CrossModel_RotatesSamplesAcrossModels()
    {
        var primary = Answering(A("Paris"));
        var second = Answering(A("Lyon"));
        var third = Answering(A("Paris"));
        var options = Sequential(o =>
        {
            o.Mode = ConsensusMode.Majority;
            o.Samples = 3;
            o.Models.Add(second);
            o.Models.Add(third);
        });

        var result = await primary.VoteAsync<Answer>("Capital?", options);

        Assert.Equal((1, 1, 1), (primary.Calls, second.Calls, third.Calls));
        Assert.Equal("Paris", result.Winner.City);
        Assert.Equal(2, result.Votes[result.WinnerKey]);
    }

    [Fact]
    public async Task VoteAsync_CustomAnswerKey_GroupsAnswers()
    {
        var client = Answering(A("paris"), A("PARIS"));

        var result = await client.VoteAsync<Answer>("Capital?", Sequential(o => o.K = 2), answerKey: a => a.City.ToUpperInvariant());

        Assert.Equal("PARIS", result.WinnerKey);
        Assert.Equal("paris", result.Winner.City);
        Assert.Equal(2, client.Calls);
    }

    [Fact]
    public async Task VoteAsync_CustomSerializerOptions_KeysWithThem()
    {
        var contract = new Contract<Answer> { SerializerOptions = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) };
        var client = Answering(A("Oslo"), """{ "city" : "Oslo " }""");

        var result = await client.VoteAsync("Capital?", Sequential(o => o.K = 2), contract);

        Assert.Equal("""{"city":"Oslo"}""", result.WinnerKey);
        Assert.Equal(2, result.Votes[result.WinnerKey]);
    }

    [Fact]
    public async Task VoteAsync_Usage_SummedAcrossAllSamplesIncludingRedFlagged()
    {
        var client = Answering("broken", A("Paris"), A("Paris"));

        var result = await client.VoteAsync<Answer>("Capital?", Sequential(o => o.K = 2));

        Assert.Equal(3, result.SamplesDrawn);
        Assert.Equal(30, result.Usage.InputTokenCount);
        Assert.Equal(15, result.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task VoteAsync_Parallelism_BoundRespected()
    {
        var client = new ConsensusTestChatClient { HoldUntilInFlight = 3, OnGetResponse = (n, _, _) => Reply(A(n % 3 == 0 ? "Lyon" : "Paris")) };

        var result = await client.VoteAsync<Answer>("Capital?", new ConsensusOptions { K = 5, MaxParallelism = 3, MaxSamples = 40 });

        Assert.Equal("Paris", result.Winner.City);
        Assert.Equal(3, client.MaxInFlight);
    }

    [Fact]
    public async Task VoteAsync_Parallelism_RoundNeverLargerThanVotesNeeded()
    {
        var client = new ConsensusTestChatClient { HoldUntilInFlight = 2, OnGetResponse = (_, _, _) => Reply(A("Paris")) };

        var result = await client.VoteAsync<Answer>("Capital?", new ConsensusOptions { K = 2, MaxParallelism = 8 });

        Assert.Equal(2, client.MaxInFlight);
        Assert.Equal(2, client.Calls);
        Assert.Equal(2, result.SamplesDrawn);
    }

    [Fact]
    public async Task VoteAsync_TransportException_Propagates()
    {
        var client = new ConsensusTestChatClient
        {
            OnGetResponse = (n, _, _) => n == 2 ? throw new ModelHttpException("down", HttpStatusCode.ServiceUnavailable) : Reply(A("Paris")),
        };

        await Assert.ThrowsAsync<ModelHttpException>(() => client.VoteAsync<Answer>("Capital?", Sequential()));
    }

    [Fact]
    public async Task VoteAsync_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var client = Answering(A("Paris"));
        var options = new ConsensusOptions { K = 0, Samples = 0, MaxSamples = -1, MaxParallelism = 0, MaxOutputTokens = 0 };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.VoteAsync<Answer>("Capital?", options));

        foreach (var name in new[] { "K is 0", "Samples is 0", "MaxParallelism is 0", "MaxOutputTokens is 0", "MaxSamples is -1" })
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, client.Calls);
    }

    [Fact]
    public async Task VoteAsync_OverUseConsensusAndUseContracts_SamplesOnceEach()
    {
        var inner = Answering("broken", A("Paris"), A("Paris"));
        using var pipeline = inner.AsBuilder().UseContracts().UseConsensus(o => o.K = 5).Build();

        var result = await pipeline.VoteAsync<Answer>("Capital?", Sequential(o => o.K = 2));

        // Neither middleware voted or re-asked again: 1 red flag + 2 votes = 3 calls.
        Assert.Equal(3, inner.Calls);
        Assert.Equal(1, result.SamplesRedFlagged);
        Assert.All(inner.Options, o => Assert.False(o!.AdditionalProperties?.Count > 0));
    }
}
