using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;
using Nines.Contracts;
using Nines.Models;

namespace Nines.Tests.Contracts;

public sealed class ContractTests
{
    internal const string ValidInvoice =
        """{"number":"INV-1","customer":"Acme","total":30,"currency":"EUR","lines":[{"description":"a","quantity":1,"amount":10},{"description":"b","quantity":2,"amount":20}]}""";

    [Fact]
    public void Check_ValidReply_ReturnsValue()
    {
        var check = new Contract<TestInvoice>().Check(ContractsTestChatClient.Reply(ValidInvoice));

        Assert.True(check.IsValid);
        Assert.Equal(FailureCategory.None, check.Category);
        Assert.Equal("INV-1", check.Value!.Number);
        Assert.Equal(2, check.Value.Lines.Count);
        Assert.Equal(0, check.Repairs);
    }

    [Fact]
    public void Check_MissingRequiredProperty_IsSchemaViolationNamingThePath()
    {
        const string json = """{"number":"INV-1","customer":"Acme","total":30,"lines":[{"quantity":1,"amount":10}]}""";

        var check = new Contract<TestInvoice>().Check(json);

        Assert.Equal(FailureCategory.SchemaViolation, check.Category);
        Assert.Contains(check.Errors, e => e.StartsWith("$.lines[0]:", StringComparison.Ordinal) && e.Contains("description", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_WrongType_IsSchemaViolationNamingThePath()
    {
        const string json = """{"number":"INV-1","customer":"Acme","total":"thirty","lines":[]}""";

        var check = new Contract<TestInvoice>().Check(json);

        Assert.Equal(FailureCategory.SchemaViolation, check.Category);
        Assert.Contains(check.Errors, e => e.StartsWith("$.total:", StringComparison.Ordinal) && e.Contains("number", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_RangeViolationInNestedItem_IsSchemaViolationNamingThePath()
    {
        const string json = """{"number":"INV-1","customer":"Acme","total":0,"lines":[{"description":"a","quantity":0,"amount":0}]}""";

        var check = new Contract<TestInvoice>().Check(json);

        Assert.Equal(FailureCategory.SchemaViolation, check.Category);
        Assert.Contains(check.Errors, e => e.StartsWith("$.lines[0].quantity:", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_EmptyRequiredString_IsCaughtByDataAnnotations()
    {
        // The schema only demands that "customer" is present; [Required] also rejects an empty string.
        const string json = """{"number":"INV-1","customer":"","total":0,"lines":[]}""";

        var check = new Contract<TestInvoice>().Check(json);

        Assert.Equal(FailureCategory.SchemaViolation, check.Category);
        Assert.Contains(check.Errors, e => e.StartsWith("$.customer:", StringComparison.Ordinal) && e.Contains("required", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Check_CustomAttributeInNestedCollection_RecursesAndNamesThePath()
    {
        const string json = """{"items":[{"sku":"OK-1"},{"sku":"bad"}]}""";

        var check = new Contract<Order>().Check(json);

        Assert.Equal(FailureCategory.SchemaViolation, check.Category);
        var error = Assert.Single(check.Errors);
        Assert.StartsWith("$.items[1].sku:", error, StringComparison.Ordinal);
        Assert.Contains("SKU must start with", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RuleBroken_IsRuleViolationWithItsMessage()
    {
        var contract = new Contract<TestInvoice>()
            .Require(i => i.Lines.Sum(l => l.Amount) == i.Total, "line items must add up to the total")
            .Require(i => i.Currency == "EUR", "currency must be EUR");
        const string json = """{"number":"INV-1","customer":"Acme","total":31,"currency":"EUR","lines":[{"description":"a","quantity":1,"amount":10},{"description":"b","quantity":2,"amount":20}]}""";

        var check = contract.Check(json);

        Assert.Equal(FailureCategory.RuleViolation, check.Category);
        Assert.Equal(["line items must add up to the total"], check.Errors);
        Assert.Equal(2, contract.RuleCount);
    }

    [Fact]
    public void Check_RuleThatThrows_IsRuleViolationNotACrash()
    {
        var contract = new Contract<TestInvoice>().Require(i => i.Lines[5].Amount > 0, "sixth line must be positive");

        var check = contract.Check(ValidInvoice);

        Assert.Equal(FailureCategory.RuleViolation, check.Category);
        Assert.Contains("ArgumentOutOfRangeException", check.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Truncated_IsTruncated()
    {
        var check = new Contract<TestInvoice>().Check(ContractsTestChatClient.Reply("""{"number":"INV-1","cus""", ChatFinishReason.Length));

        Assert.Equal(FailureCategory.Truncated, check.Category);
    }

    [Fact]
    public void Check_Empty_IsEmptyOutput()
    {
        Assert.Equal(FailureCategory.EmptyOutput, new Contract<TestInvoice>().Check(ContractsTestChatClient.Reply("  \n")).Category);
    }

    [Theory]
    [InlineData("I'm sorry, but I can't help with that request.")]
    [InlineData("I cannot help with creating invoices for that customer.")]
    public void Check_RefusalPhrase_IsRefusal(string text)
    {
        Assert.Equal(FailureCategory.Refusal, new Contract<TestInvoice>().Check(ContractsTestChatClient.Reply(text)).Category);
    }

    [Fact]
    public void Check_ContentFilterOrRefusalContent_IsRefusal()
    {
        var filtered = ContractsTestChatClient.Reply("", ChatFinishReason.ContentFilter);
        var refusal = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new ErrorContent("no") { ErrorCode = "Refusal" }]));

        Assert.Equal(FailureCategory.Refusal, new Contract<TestInvoice>().Check(filtered).Category);
        Assert.Equal(FailureCategory.Refusal, new Contract<TestInvoice>().Check(refusal).Category);
    }

    [Fact]
    public void Check_Prose_IsMalformedJson()
    {
        var check = new Contract<TestInvoice>().Check("Here is the invoice: number INV-1");

        Assert.Equal(FailureCategory.MalformedJson, check.Category);
        Assert.Contains("not valid JSON", check.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FencedJson_IsRepairedAndCounted()
    {
        var check = new Contract<TestInvoice>().Check("Sure! Here it is:\n```json\n" + ValidInvoice + "\n```\n");

        Assert.True(check.IsValid);
        Assert.Equal(1, check.Repairs);
        Assert.Equal("Acme", check.Value!.Customer);
    }

    [Fact]
    public void Check_NonObjectType_IsWrappedAsData()
    {
        var contract = new Contract<List<int>>();

        Assert.Equal("object", contract.Schema.GetProperty("type").GetString());
        Assert.Equal([1, 2, 3], contract.Check("""{"data":[1,2,3]}""").Value);
        Assert.Equal(FailureCategory.SchemaViolation, contract.Check("""{"data":["x"]}""").Category);
    }

    [Fact]
    public void ResponseFormat_CarriesSchemaAndName()
    {
        var contract = new Contract<TestInvoice> { SchemaName = "invoice", SchemaDescription = "An invoice" };

        var format = contract.ResponseFormat;

        Assert.Equal("invoice", format.SchemaName);
        Assert.Equal("An invoice", format.SchemaDescription);
        Assert.True(format.Schema!.Value.GetProperty("properties").TryGetProperty("lines", out _));
    }

    [Fact]
    public void Check_CustomSerializerOptions_UsedForSchemaAndValue()
    {
        var contract = new Contract<TestInvoice>
        {
            SerializerOptions = new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower },
        };
        const string json = """{"number":"INV-9","customer":"","total":0,"lines":[]}""";

        var check = contract.Check(json);

        Assert.Equal(FailureCategory.SchemaViolation, check.Category);
        Assert.Contains(check.Errors, e => e.StartsWith("$.customer:", StringComparison.Ordinal));
        Assert.True(contract.Schema.GetProperty("properties").TryGetProperty("number", out _));
    }

    [Fact]
    public void MaxAttempts_BelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Contract<TestInvoice> { MaxAttempts = 0 });
    }

    public sealed class Order
    {
        public List<OrderItem> Items { get; set; } = [];
    }

    public sealed class OrderItem
    {
        [SkuFormat]
        public string Sku { get; set; } = "";
    }

    [AttributeUsage(AttributeTargets.Property)]
    public sealed class SkuFormatAttribute : ValidationAttribute
    {
        public override bool IsValid(object? value) => value is string s && s.StartsWith("OK-", StringComparison.Ordinal);

        public override string FormatErrorMessage(string name) => $"SKU must start with 'OK-' ({name}).";
    }
}
