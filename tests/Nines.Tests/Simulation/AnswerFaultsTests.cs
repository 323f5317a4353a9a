using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Nines.Simulation;

namespace Nines.Tests.Simulation;

public class AnswerFaultsTests
{
    // Small JSON objects with an integer, a decimal, a string and a boolean leaf.
    private static readonly Gen<(string Json, int Seed)> _answers =
        Gen.Select(Gen.Int[-100_000, 100_000], Gen.Int[0, 1_000_000], Gen.String[Gen.Char.AlphaNumeric, 0, 12], Gen.Bool, Gen.Int)
            .Select((i, cents, s, b, seed) => (new JsonObject
            {
                ["count"] = i,
                ["amount"] = cents / 100m,
                ["name"] = s,
                ["nested"] = new JsonObject { ["ok"] = b, ["tags"] = new JsonArray("a", s) },
            }.ToJsonString(), seed));

    [Fact]
    public void MakeWrong_AnyJson_StaysValidAndDiffers()
    {
        _answers.Sample(x =>
        {
            var wrong = AnswerFaults.MakeWrong(x.Json, new Random(x.Seed));
            Assert.True(AnswerFaults.IsJson(wrong));
            Assert.False(JsonNode.DeepEquals(JsonNode.Parse(x.Json), JsonNode.Parse(wrong)), $"{x.Json} was not changed");
        });
    }

    [Fact]
    public void Malform_AnyJson_DoesNotParse()
    {
        _answers.Sample(x => Assert.False(AnswerFaults.IsJson(AnswerFaults.Malform(x.Json, new Random(x.Seed))), x.Json));
    }

    [Fact]
    public void Truncate_AnyText_IsShorterPrefix()
    {
        _answers.Sample(x =>
        {
            var cut = AnswerFaults.Truncate(x.Json, new Random(x.Seed));
            Assert.True(cut.Length < x.Json.Length);
            Assert.StartsWith(cut, x.Json, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"yes\"")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("Paris")]
    public void MakeWrong_EdgeShapes_Differ(string answer)
    {
        Assert.NotEqual(answer, AnswerFaults.MakeWrong(answer, new Random(1)));
    }

    [Fact]
    public void Malform_PlainText_IsUnfinishedJson()
    {
        var malformed = AnswerFaults.Malform("Paris", new Random(1));

        Assert.False(AnswerFaults.IsJson(malformed));
        Assert.Contains("Paris", malformed, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(malformed));
    }
}
