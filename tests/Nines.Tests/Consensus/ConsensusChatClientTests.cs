using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Models;
using static Nines.Tests.Consensus.ConsensusTestChatClient;

namespace Nines.Tests.Consensus;

public sealed class ConsensusChatClientTests
{
    [Fact]
    public async Task UseConsensus_ReturnsWinnerWithSummedUsageAndTrace()
    {
        var inner = Answering("Paris", "", "Lyon", "Paris", "  Paris ", "Paris", "Paris", "Paris");
        using var client = inner.AsBuilder().UseConsensus(o => { o.K = 3; o.MaxParallelism = 1; }).Build();

        var response = await client.GetResponseAsync("Capital of France?");

        Assert.Equal("Paris", response.Text);
        Assert.Equal(6, inner.Calls);
        Assert.Equal(60, response.Usage!.InputTokenCount);
        var note = Assert.Single(LayerTrace.Get(response));
        Assert.Equal("consensus", note.Layer);
        Assert.Equal("6 samples, 1 red-flagged, won 4–1 (ahead by 3)", note.Note);
    }

    [Fact]
    public async Task UseConsensus_JsonFormat_EquatesReorderedObjectsAndRedFlagsSchemaViolations()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}""").RootElement.Clone();
        var inner = Answering("""{"a":1,"b":2}""", """{"a":"one","b":2}""", """{ "b": 2, "a": 1.0 }""");
        using var client = inner.AsBuilder().UseConsensus(o => { o.K = 2; o.MaxParallelism = 1; }).Build();

        var response = await client.GetResponseAsync("Q", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) });

        Assert.Equal("""{"a":1,"b":2}""", response.Text);
        Assert.Equal(3, inner.Calls);
        Assert.Contains("1 red-flagged, won 2–0", LayerTrace.Get(response)[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseConsensus_CustomResponseKey_Used()
    {
        var inner = Answering("Answer: 42", "The answer is 42.");
        using var client = inner.AsBuilder().UseConsensus(o =>
        {
            o.K = 2;
            o.MaxParallelism = 1;
            o.ResponseKey = r => new string([.. r.Text.Where(char.IsAsciiDigit)]);
        }).Build();

        var response = await client.GetResponseAsync("Q");

        Assert.Equal("Answer: 42", response.Text);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task UseConsensus_Streaming_VotesThenStreamsWinner()
    {
        var inner = Answering("yes", "no", "yes", "yes");
        using var client = inner.AsBuilder().UseConsensus(o => { o.K = 2; o.MaxParallelism = 1; }).Build();

        var text = string.Concat(await client.GetStreamingResponseAsync("Q").Select(u => u.Text).ToListAsync());

        Assert.Equal("yes", text);
        Assert.Equal(4, inner.Calls);
    }

    [Fact]
    public void UseConsensus_InvalidOptions_ThrowsWhenBuilt()
    {
        var builder = Answering("x").AsBuilder();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseConsensus(o => { o.K = 4; o.MaxSamples = 3; }));

        Assert.Contains("MaxSamples is 3 but K is 4", ex.Message, StringComparison.Ordinal);
    }
}
