using Nines.Models;

namespace Nines.Tests.Models;

public sealed class ModelSpecTests
{
    [Theory]
    [InlineData("sim:good", "sim", "good")]
    [InlineData("openai:gpt-4o-mini", "openai", "gpt-4o-mini")]
    [InlineData("ollama:llama3.2", "ollama", "llama3.2")]
    [InlineData("ollama:qwen2.5:7b", "ollama", "qwen2.5:7b")]
    [InlineData("anthropic:claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5")]
    [InlineData("  OpenAI : gpt-4o  ", "openai", "gpt-4o")]
    public void Parse_SchemeAndModel_SplitsAtFirstColon(string text, string scheme, string model)
    {
        var spec = ModelSpec.Parse(text);

        Assert.Equal(scheme, spec.Scheme);
        Assert.Equal(model, spec.Model);
        Assert.Null(spec.BaseUrl);
        Assert.Equal(text, spec.Text);
        Assert.Equal(text, spec.ToString());
    }

    [Theory]
    [InlineData("openai-compatible:http://localhost:8000/v1#my-model", "http://localhost:8000/v1", "my-model")]
    [InlineData("openai-compatible:https://gw.example.com/openai/v1#org/model:latest", "https://gw.example.com/openai/v1", "org/model:latest")]
    [InlineData("openai-compatible:http://127.0.0.1:8080/v1#a#b", "http://127.0.0.1:8080/v1#a", "b")]
    public void Parse_OpenAICompatible_SplitsBaseUrlAndModelAtLastHash(string text, string baseUrl, string model)
    {
        var spec = ModelSpec.Parse(text);

        Assert.Equal("openai-compatible", spec.Scheme);
        Assert.Equal(new Uri(baseUrl), spec.BaseUrl);
        Assert.Equal(model, spec.Model);
    }

    [Theory]
    [InlineData("")]
    [InlineData("gpt-4o")]
    [InlineData(":gpt-4o")]
    [InlineData("openai:")]
    [InlineData("openai:   ")]
    public void Parse_NotSchemeColonModel_ThrowsWithExamples(string text)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelSpec.Parse(text));

        Assert.Contains("scheme:model", error.Message, StringComparison.Ordinal);
        Assert.Contains("openai:gpt-4o-mini", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai-compatible:http://localhost:8000/v1")]
    [InlineData("openai-compatible:#m")]
    [InlineData("openai-compatible:http://localhost:8000/v1#")]
    [InlineData("openai-compatible:http://localhost:8000/v1#  ")]
    public void Parse_OpenAICompatibleWithoutHashModel_ThrowsWithExample(string text)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelSpec.Parse(text));

        Assert.Contains("openai-compatible:http://localhost:8000/v1#my-model", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai-compatible:localhost:8000/v1#m")]
    [InlineData("openai-compatible:ftp://host/v1#m")]
    [InlineData("openai-compatible:v1#m")]
    public void Parse_OpenAICompatibleWithBadUrl_ThrowsNamingTheUrl(string text)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelSpec.Parse(text));

        Assert.Contains("not an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_Throws() => Assert.Throws<ArgumentNullException>(() => ModelSpec.Parse(null!));
}
