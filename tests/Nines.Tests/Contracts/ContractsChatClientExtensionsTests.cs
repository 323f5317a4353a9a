using System.Net;
using Microsoft.Extensions.AI;
using Nines.Contracts;
using Nines.Models;
using static Nines.Tests.Contracts.ContractsTestChatClient;

namespace Nines.Tests.Contracts;

public sealed class ContractsChatClientExtensionsTests
{
    [Fact]
    public async Task AskAsync_ValidReply_ReturnsTypedValueAndSendsSchema()
    {
        var client = Replying(Reply(ContractTests.ValidInvoice));

        var invoice = await client.AskAsync<TestInvoice>("Extract the invoice");

        Assert.Equal("INV-1", invoice.Number);
        var call = Assert.Single(client.Calls);
        var format = Assert.IsType<ChatResponseFormatJson>(call.Options!.ResponseFormat);
        Assert.Equal(nameof(TestInvoice), format.SchemaName);
        Assert.NotNull(format.Schema);
    }

    [Fact]
    public async Task AskAsync_MalformedThenValid_RepairsAndSendsErrorsBack()
    {
        var client = Replying(Reply("{\"number\": \"INV-1\", oops"), Reply(ContractTests.ValidInvoice));

        var result = await client.AskWithDetailsAsync<TestInvoice>("Extract the invoice");

        Assert.Equal("Acme", result.Value.Customer);
        Assert.Equal(2, client.Calls.Count);
        Assert.Equal([FailureCategory.MalformedJson, FailureCategory.None], result.Attempts.Select(a => a.Category));
        Assert.Equal(1, result.Reasks);

        var reask = client.Calls[1].Messages;
        Assert.Equal(3, reask.Count);
        Assert.Equal(ChatRole.Assistant, reask[1].Role);
        Assert.Equal("{\"number\": \"INV-1\", oops", reask[1].Text);
        Assert.Equal(ChatRole.User, reask[2].Role);
        Assert.Contains("MalformedJson", reask[2].Text, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", reask[2].Text, StringComparison.Ordinal);
        Assert.Contains("only the corrected JSON", reask[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_SchemaViolation_ReaskNamesTheJsonPath()
    {
        var client = Replying(Reply("""{"number":"INV-1","customer":"Acme","total":"x","lines":[]}"""), Reply(ContractTests.ValidInvoice));

        await client.AskAsync<TestInvoice>("Extract the invoice");

        Assert.Contains("$.total:", client.Calls[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_RuleViolationThenValid_ReaskCarriesRuleMessage()
    {
        var contract = new Contract<TestInvoice>().Require(i => i.Lines.Sum(l => l.Amount) == i.Total, "line items must add up to the total");
        var bad = ContractTests.ValidInvoice.Replace("\"total\":30", "\"total\":99", StringComparison.Ordinal);
        var client = Replying(Reply(bad), Reply(ContractTests.ValidInvoice));

        var invoice = await client.AskAsync("Extract", contract);

        Assert.Equal(30m, invoice.Total);
        Assert.Contains("line items must add up to the total", client.Calls[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_BudgetSpent_ThrowsWithEveryAttempt()
    {
        var client = Replying(
            Reply("not json"),
            Reply("""{"number":"INV-1"}"""),
            Reply("", ChatFinishReason.Length),
            Reply(ContractTests.ValidInvoice));

        var ex = await Assert.ThrowsAsync<ContractViolationException>(() => client.AskAsync<TestInvoice>("Extract"));

        Assert.Equal(3, client.Calls.Count);
        Assert.Equal([1, 2, 3], ex.Attempts.Select(a => a.Number));
        Assert.Equal([FailureCategory.MalformedJson, FailureCategory.SchemaViolation, FailureCategory.Truncated], ex.Attempts.Select(a => a.Category));
        Assert.Equal(FailureCategory.Truncated, ex.Category);
        Assert.Equal("not json", ex.Attempts[0].RawText);
        Assert.All(ex.Attempts, a => Assert.NotEmpty(a.Errors));
        Assert.Contains("3 attempt(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_MaxAttemptsOne_NeverReasks()
    {
        var client = Replying(Reply(""), Reply(ContractTests.ValidInvoice));

        var ex = await Assert.ThrowsAsync<ContractViolationException>(
            () => client.AskAsync("Extract", new Contract<TestInvoice> { MaxAttempts = 1 }));

        Assert.Single(client.Calls);
        Assert.Equal(FailureCategory.EmptyOutput, ex.Category);
    }

    [Fact]
    public async Task AskWithDetailsAsync_UsageSummedAcrossAttempts()
    {
        var client = Replying(Reply("nope", inputTokens: 100, outputTokens: 7), Reply(ContractTests.ValidInvoice, inputTokens: 150, outputTokens: 40));

        var result = await client.AskWithDetailsAsync<TestInvoice>("Extract");

        Assert.Equal(250, result.Usage.InputTokenCount);
        Assert.Equal(47, result.Usage.OutputTokenCount);
        Assert.Equal(297, result.Usage.TotalTokenCount);
        Assert.Equal(7, result.Attempts[0].Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task AskWithDetailsAsync_FencedReply_AcceptedAndRepairCounted()
    {
        var client = Replying(Reply("```json\n" + ContractTests.ValidInvoice + "\n```"));

        var result = await client.AskWithDetailsAsync<TestInvoice>("Extract");

        Assert.Single(client.Calls);
        Assert.Equal(1, result.Repairs);
        Assert.Equal(0, result.Reasks);
    }

    [Fact]
    public async Task AskAsync_RefusalThenValid_ClassifiedAsRefusal()
    {
        var client = Replying(Reply("I'm sorry, but I can't help with that."), Reply(ContractTests.ValidInvoice));

        var result = await client.AskWithDetailsAsync<TestInvoice>("Extract");

        Assert.Equal(FailureCategory.Refusal, result.Attempts[0].Category);
        Assert.Equal(2, client.Calls.Count);
    }

    [Fact]
    public async Task AskAsync_TransportException_Propagates()
    {
        var client = new ContractsTestChatClient
        {
            OnGetResponse = (_, _, _) => throw new ModelHttpException("busy", HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1)),
        };

        var ex = await Assert.ThrowsAsync<ModelHttpException>(() => client.AskAsync<TestInvoice>("Extract"));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Single(client.Calls);
    }

    [Fact]
    public async Task AskAsync_Canceled_Propagates()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var client = new ContractsTestChatClient { OnGetResponse = (_, _, ct) => Task.FromCanceled<ChatResponse>(ct) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.AskAsync<TestInvoice>("Extract", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task AskAsync_CallerOptionsAndMessages_NotModified()
    {
        var options = new ChatOptions { Temperature = 0.2f, Instructions = "Be precise." };
        var messages = new List<ChatMessage> { new(ChatRole.User, "Extract") };
        var client = Replying(Reply("bad"), Reply(ContractTests.ValidInvoice));

        await client.AskAsync(messages, new Contract<TestInvoice> { Instructions = "Amounts in EUR." }, options);

        Assert.Null(options.ResponseFormat);
        Assert.Equal("Be precise.", options.Instructions);
        Assert.Single(messages);
        Assert.Equal(0.2f, client.Calls[0].Options!.Temperature);
        Assert.Contains("Amounts in EUR.", client.Calls[0].Options!.Instructions, StringComparison.Ordinal);
        Assert.Contains("Be precise.", client.Calls[0].Options!.Instructions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_OverUseContracts_RunsOneLoopAndHidesMarker()
    {
        var inner = Replying(Reply("bad"), Reply("bad"), Reply("bad"), Reply("bad"), Reply(ContractTests.ValidInvoice));
        using var client = inner.AsBuilder().UseContracts(o => o.MaxAttempts = 3).Build();

        var ex = await Assert.ThrowsAsync<ContractViolationException>(() => client.AskAsync("Extract", new Contract<TestInvoice> { MaxAttempts = 2 }));

        // Without the marker the middleware would have asked 3 times per AskAsync attempt (6 calls).
        Assert.Equal(2, inner.Calls.Count);
        Assert.Equal(2, ex.Attempts.Count);
        Assert.All(inner.Calls, c => Assert.False(c.Options!.AdditionalProperties?.ContainsKey("nines.contracts.handled") ?? false));
    }
}
