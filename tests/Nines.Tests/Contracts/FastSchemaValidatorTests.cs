using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.AI;
using Nines.Contracts;

namespace Nines.Tests.Contracts;

public sealed class FastSchemaValidatorTests
{
    private static readonly JsonElement _invoiceSchema = AIJsonUtilities.CreateJsonSchema(typeof(TestInvoice), serializerOptions: AIJsonUtilities.DefaultOptions);

    [Theory]
    [InlineData(ContractTests.ValidInvoice)]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":0,"lines":[]}""")]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":1e3,"lines":[{"description":null,"quantity":1.0,"amount":1}]}""")]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":-1,"lines":[]}""")]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":1000000.0000000000001,"lines":[]}""")]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":1,"lines":[{"description":"x","quantity":1.5,"amount":1}]}""")]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":1,"lines":[{"quantity":1,"amount":1}]}""")]
    [InlineData("""{"number":"INV-1","total":1,"lines":[]}""")]
    [InlineData("""{"number":1,"customer":"Acme","total":1,"lines":[]}""")]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":1,"lines":{}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""null""")]
    [InlineData("""{"number":"INV-1","customer":"Acme","total":1,"lines":[],"extra":{"a":[1]}}""")]
    public void IsValid_AgreesWithJsonSchemaNet(string json)
    {
        var fast = FastSchemaValidator.TryCreate(_invoiceSchema);
        var full = JsonSchema.FromText(_invoiceSchema.GetRawText());
        using var doc = JsonDocument.Parse(json);

        Assert.NotNull(fast);
        Assert.Equal(full.Evaluate(doc.RootElement).IsValid, fast.IsValid(doc.RootElement));
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","minLength":2,"maxLength":3}},"additionalProperties":false}""", """{"a":"ab"}""", true)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","minLength":2,"maxLength":3}},"additionalProperties":false}""", """{"a":"abcd"}""", false)]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","minLength":2,"maxLength":3}},"additionalProperties":false}""", """{"b":"ab"}""", false)]
    [InlineData("""{"type":"object","properties":{"e":{"type":"string","enum":["red","green"]}}}""", """{"e":"blue"}""", false)]
    [InlineData("""{"type":"object","properties":{"e":{"type":"string","enum":["red","green"]}}}""", """{"e":"red"}""", true)]
    [InlineData("""{"type":"array","items":{"type":"integer","exclusiveMinimum":0},"minItems":1,"maxItems":2}""", """[1,2]""", true)]
    [InlineData("""{"type":"array","items":{"type":"integer","exclusiveMinimum":0},"minItems":1,"maxItems":2}""", """[0]""", false)]
    [InlineData("""{"type":"array","items":{"type":"integer","exclusiveMinimum":0},"minItems":1,"maxItems":2}""", """[]""", false)]
    public void IsValid_KeywordSubset_AgreesWithJsonSchemaNet(string schemaJson, string json, bool expected)
    {
        using var schemaDoc = JsonDocument.Parse(schemaJson);
        using var doc = JsonDocument.Parse(json);
        var fast = FastSchemaValidator.TryCreate(schemaDoc.RootElement);

        Assert.NotNull(fast);
        Assert.Equal(expected, JsonSchema.FromText(schemaJson).Evaluate(doc.RootElement).IsValid);
        Assert.Equal(expected, fast.IsValid(doc.RootElement));
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"$defs":{"x":{"type":"string"}}}""")]
    [InlineData("""{"type":"string","pattern":"^a"}""")]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"null"}]}""")]
    public void TryCreate_UnknownKeyword_ReturnsNullSoJsonSchemaNetDecides(string schemaJson)
    {
        using var schemaDoc = JsonDocument.Parse(schemaJson);

        Assert.Null(FastSchemaValidator.TryCreate(schemaDoc.RootElement));
    }
}
