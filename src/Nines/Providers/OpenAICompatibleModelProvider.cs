using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Providers;

/// <summary>
/// The <c>openai-compatible:&lt;base-url&gt;#&lt;model&gt;</c> scheme: any server that speaks OpenAI's Chat Completions
/// (vLLM, llama.cpp server, LM Studio, gateways). The key, if the server wants one, comes from
/// <c>OPENAI_COMPATIBLE_API_KEY</c>.
/// </summary>
/// <remarks>The SDK's own retries are turned off: retries belong to the resilience layer.</remarks>
public sealed class OpenAICompatibleModelProvider : IModelProvider
{
    /// <summary>The environment variable that holds the optional API key.</summary>
    public const string ApiKeyVariable = "OPENAI_COMPATIBLE_API_KEY";

    /// <summary>The key sent when none is configured: the SDK requires one, and local servers ignore it.</summary>
    public const string PlaceholderKey = "no-key";

    /// <inheritdoc/>
    public string Scheme => "openai-compatible";

    /// <inheritdoc/>
    public string Description =>
        "any OpenAI-compatible server (vLLM, llama.cpp, LM Studio); optional key from OPENAI_COMPATIBLE_API_KEY. Example: openai-compatible:http://localhost:8000/v1#my-model";

    /// <inheritdoc/>
    public IChatClient Create(ModelSpec spec, ModelFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (spec.BaseUrl is null)
        {
            throw new ModelSpecException(
                $"Model spec '{spec.Text}' needs a base URL and a model separated by '#', for example openai-compatible:http://localhost:8000/v1#my-model.");
        }

        var key = ProviderSettings.OptionalKey(options, ApiKeyVariable) ?? PlaceholderKey;
        return OpenAIChatClientFactory.Create(Scheme, spec.Model, key, spec.BaseUrl, options);
    }
}
