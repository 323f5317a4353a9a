using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Nines.Contracts;
using Nines.Models;
using static Nines.Tests.Contracts.ContractsTestChatClient;

namespace Nines.Tests.Contracts;

public sealed class ContractsChatClientTests
{
    private static readonly JsonElement _schema = JsonDocument.Parse(
        """{"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"]}""").RootElement.Clone();

    private static ChatOptions JsonOptions() => new() { ResponseFormat = ChatResponseFormat.ForJsonSchema(_schema, "answer") };

    [Fact]
    public async Task UseContracts_SchemaViolationThenValid_ReasksAndTraces()
    {
        var inner = Replying(Reply("""{"answer":"forty-two"}""", inputTokens: 10, outputTokens: 3), Reply("""{"answer":42}""", inputTokens: 20, outputTokens: 4));
        using var client = inner.AsBuilder().UseContracts().Build();

        var response = await client.GetResponseAsync("What is the answer?", JsonOptions());

        Assert.Equal("""{"answer":42}""", response.Text);
        Assert.Equal(2, inner.Calls.Count);
        Assert.Contains("$.answer:", inner.Calls[1].Messages[^1].Text, StringComparison.Ordinal);
        Assert.Equal(30, response.Usage!.InputTokenCount);
        Assert.Equal(7, response.Usage.OutputTokenCount);
        var note = Assert.Single(LayerTrace.Get(response));
        Assert.Equal("contracts", note.Layer);
        Assert.Equal("2 attempts, repaired SchemaViolation", note.Note);
    }

    [Fact]
    public async Task UseContracts_BudgetSpent_ThrowsContractViolation()
    {
        var inner = Replying(Reply("{\"answer\":"), Reply("sorry no json"));
        using var client = inner.AsBuilder().UseContracts(o => o.MaxAttempts = 2).Build();

        var ex = await Assert.ThrowsAsync<ContractViolationException>(() => client.GetResponseAsync("Q", JsonOptions()));

        Assert.Equal(2, inner.Calls.Count);
        Assert.Equal([FailureCategory.MalformedJson, FailureCategory.MalformedJson], ex.Attempts.Select(a => a.Category));
    }

    [Fact]
    public async Task UseContracts_FencedJson_ReturnedWithoutFences()
    {
        var inner = Replying(Reply("```json\n{\"answer\":7}\n```"));
        using var client = inner.AsBuilder().UseContracts().Build();

        var response = await client.GetResponseAsync("Q", JsonOptions());

        Assert.Equal("{\"answer\":7}", response.Text);
        Assert.Single(inner.Calls);
        Assert.Contains("stripped code fences", LayerTrace.Get(response)[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseContracts_NoSchema_ChecksOnlyEnvelope()
    {
        var inner = Replying(Reply("", ChatFinishReason.Length), Reply("I'm sorry, but I can't do that."), Reply("plain prose is fine"));
        using var client = inner.AsBuilder().UseContracts().Build();

        var response = await client.GetResponseAsync("Q");

        Assert.Equal("plain prose is fine", response.Text);
        Assert.Equal(3, inner.Calls.Count);
        Assert.DoesNotContain("JSON", inner.Calls[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseContracts_UnstructuredChecksOff_PassesThrough()
    {
        var inner = Replying(Reply(""));
        using var client = inner.AsBuilder().UseContracts(o => o.CheckUnstructuredReplies = false).Build();

        var response = await client.GetResponseAsync("Q");

        Assert.Equal("", response.Text);
        Assert.Single(inner.Calls);
    }

    [Fact]
    public async Task UseContracts_TransportException_Propagates()
    {
        var inner = new ContractsTestChatClient { OnGetResponse = (_, _, _) => throw new HttpRequestException("reset") };
        using var client = inner.AsBuilder().UseContracts().Build();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("Q", JsonOptions()));
        Assert.Single(inner.Calls);
    }

    [Fact]
    public void UseContracts_InvalidOptions_ReportsAllProblems()
    {
        var builder = Replying(Reply("x")).AsBuilder();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseContracts(o =>
        {
            o.MaxAttempts = 0;
            o.RefusalPhrases.Add(" ");
        }));

        Assert.Contains("MaxAttempts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RefusalPhrases", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseContracts_Violations_CountedOnMeter()
    {
        using var collector = new MetricCollector<long>(null, "Nines.Contracts", "nines.contracts.violations");
        var inner = Replying(Reply("""{"answer":"x"}"""), Reply("""{"answer":1}"""));
        using var client = inner.AsBuilder().UseContracts().Build();

        await client.GetResponseAsync("Q", JsonOptions());

        Assert.Contains(collector.GetMeasurementSnapshot(), m => Equals(m.Tags["nines.failure.category"], nameof(FailureCategory.SchemaViolation)));
    }
}
