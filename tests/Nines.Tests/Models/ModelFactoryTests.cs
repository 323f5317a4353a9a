using Microsoft.Extensions.AI;
using Nines.Models;
using Nines.Providers;

namespace Nines.Tests.Models;

public sealed class ModelFactoryTests
{
    private static ModelFactoryOptions Env(params (string Name, string Value)[] variables)
    {
        var env = variables.ToDictionary(v => v.Name, v => v.Value);
        return new ModelFactoryOptions { GetEnvironmentVariable = name => env.GetValueOrDefault(name) };
    }

    [Fact]
    public void Create_UnknownScheme_ListsKnownSchemesWithExamples()
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelFactory.Create("gemini:pro", Env()));

        Assert.Contains("unknown scheme 'gemini'", error.Message, StringComparison.Ordinal);
        foreach (var example in new[] { "openai:gpt-4o-mini", "openai-compatible:http://localhost:8000/v1#my-model", "ollama:llama3.2", "anthropic:claude-sonnet-4-5" })
        {
            Assert.Contains(example, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("openai:gpt-4o-mini", "OPENAI_API_KEY")]
    [InlineData("anthropic:claude-sonnet-4-5", "ANTHROPIC_API_KEY")]
    public void Create_MissingKey_NamesTheVariable(string spec, string variable)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelFactory.Create(spec, Env()));

        Assert.Equal($"{spec} needs an API key: set the environment variable {variable}.", error.Message);
    }

    [Fact]
    public void Create_BlankKey_CountsAsMissing()
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelFactory.Create("openai:gpt-4o-mini", Env(("OPENAI_API_KEY", "  "))));

        Assert.Contains("OPENAI_API_KEY", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai:m", "OPENAI_API_KEY", "OPENAI_BASE_URL")]
    [InlineData("anthropic:m", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")]
    public void Create_BadBaseUrlVariable_NamesTheVariable(string spec, string keyVariable, string urlVariable)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelFactory.Create(spec, Env((keyVariable, "k"), (urlVariable, "not a url"))));

        Assert.Contains(urlVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("'not a url'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai-compatible:http://localhost:8000/v1#m")]
    [InlineData("ollama:llama3.2")]
    public void Create_KeylessSchemes_NeedNoKey(string spec)
    {
        using var client = ModelFactory.Create(spec, Env());

        Assert.NotNull(client);
    }

    [Fact]
    public void Create_Openai_ReportsProviderMetadata()
    {
        using var client = ModelFactory.Create("openai:gpt-4o-mini", Env(("OPENAI_API_KEY", "sk")));

        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal("gpt-4o-mini", metadata?.DefaultModelId);
    }

    [Fact]
    public void Register_NewScheme_CreateUsesIt()
    {
        var provider = new RecordingProvider("test-register-scheme");
        ModelFactory.Register(provider);

        using var client = ModelFactory.Create("Test-Register-Scheme:profile-a", Env());

        Assert.Same(provider.Client, client);
        Assert.Equal("profile-a", provider.LastSpec?.Model);
        Assert.Contains(ModelFactory.Providers, p => p.Scheme == "test-register-scheme");
        Assert.True(ModelFactory.TryGetProvider("test-register-scheme", out var found));
        Assert.Same(provider, found);
    }

    [Fact]
    public void Register_SameSchemeTwice_LastWins()
    {
        ModelFactory.Register(new RecordingProvider("test-replace-scheme"));
        var second = new RecordingProvider("test-replace-scheme");
        ModelFactory.Register(second);

        using var client = ModelFactory.Create("test-replace-scheme:x", Env());

        Assert.Same(second.Client, client);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("has space")]
    [InlineData("colon:")]
    public void Register_InvalidScheme_Throws(string scheme)
    {
        Assert.Throws<ArgumentException>(() => ModelFactory.Register(new RecordingProvider(scheme)));
    }

    [Fact]
    public void Providers_IncludeBuiltInsSortedByScheme()
    {
        var schemes = ModelFactory.Providers.Select(p => p.Scheme).ToList();

        Assert.Superset(new HashSet<string>(["openai", "openai-compatible", "ollama", "anthropic"]), new HashSet<string>(schemes));
        Assert.Equal(schemes.Order(StringComparer.Ordinal), schemes);
    }

    [Theory]
    [InlineData(null, "http://localhost:11434/v1")]
    [InlineData("", "http://localhost:11434/v1")]
    [InlineData("127.0.0.1", "http://127.0.0.1:11434/v1")]
    [InlineData("0.0.0.0:9999", "http://localhost:9999/v1")]
    [InlineData("http://gpu-box:11434", "http://gpu-box:11434/v1")]
    [InlineData("https://ollama.example.com", "https://ollama.example.com/v1")]
    [InlineData("http://gpu-box:11434/v1/", "http://gpu-box:11434/v1")]
    public void OllamaGetEndpoint_HostForms_AppendV1(string? host, string expected)
    {
        Assert.Equal(new Uri(expected), OllamaModelProvider.GetEndpoint(host));
    }

    [Fact]
    public void OllamaGetEndpoint_Garbage_ThrowsNamingVariable()
    {
        var error = Assert.Throws<ModelSpecException>(() => OllamaModelProvider.GetEndpoint("ftp://x"));

        Assert.Contains("OLLAMA_HOST", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingProvider(string scheme) : IModelProvider
    {
        public IChatClient Client { get; } = new NoopChatClient();

        public ModelSpec? LastSpec { get; private set; }

        public string Scheme => scheme;

        public string Description => $"test provider. Example: {scheme}:x";

        public IChatClient Create(ModelSpec spec, ModelFactoryOptions options)
        {
            LastSpec = spec;
            return Client;
        }
    }

    private sealed class NoopChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse());

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            AsyncEnumerable.Empty<ChatResponseUpdate>();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
