using System.Text.Json;
using Nines.Consensus;

namespace Nines.Tests.Consensus;

public sealed class CanonicalKeyTests
{
    [Theory]
    [InlineData("""{"a":1,"b":2}""", """{"b":2,"a":1}""")]
    [InlineData("""{"a":{"y":[1,2],"x":"s"}}""", """{ "a" : { "x" : "  s ", "y" : [ 1.0, 2e0 ] } }""")]
    [InlineData("""{"total":1.50}""", """{"total":1.5}""")]
    [InlineData("""[0]""", """[-0.0]""")]
    public void ForJson_EquivalentDocuments_SameKey(string left, string right)
    {
        using var a = JsonDocument.Parse(left);
        using var b = JsonDocument.Parse(right);

        Assert.Equal(CanonicalKey.ForJson(a.RootElement), CanonicalKey.ForJson(b.RootElement));
    }

    [Theory]
    [InlineData("""{"a":1}""", """{"a":2}""")]
    [InlineData("""[1,2]""", """[2,1]""")]
    [InlineData("""{"a":"x"}""", """{"a":"X"}""")]
    public void ForJson_DifferentDocuments_DifferentKeys(string left, string right)
    {
        using var a = JsonDocument.Parse(left);
        using var b = JsonDocument.Parse(right);

        Assert.NotEqual(CanonicalKey.ForJson(a.RootElement), CanonicalKey.ForJson(b.RootElement));
    }

    [Fact]
    public void ForText_CollapsesWhitespaceAndCanonicalisesJson()
    {
        Assert.Equal("Paris is the capital", CanonicalKey.ForText("  Paris   is\n the capital \n"));
        Assert.Equal(CanonicalKey.ForText("""{"b":2,"a":1}"""), CanonicalKey.ForText("""{"a":1, "b":2}"""));
    }
}
