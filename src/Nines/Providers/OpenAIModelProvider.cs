using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Providers;

/// <summary>
/// The <c>openai:&lt;model&gt;</c> scheme: OpenAI's Chat Completions API. Needs <c>OPENAI_API_KEY</c>; honours
/// <c>OPENAI_BASE_URL</c> (default <c>https://api.openai.com/v1</c>).
/// </summary>
/// <remarks>The SDK's own retries are turned off: retries belong to the resilience layer.</remarks>
public sealed class OpenAIModelProvider : IModelProvider
{
    /// <summary>The environment variable that holds the API key.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The environment variable that overrides the base URL.</summary>
    public const string BaseUrlVariable = "OPENAI_BASE_URL";

    /// <summary>The base URL used when <see cref="BaseUrlVariable"/> is not set.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.openai.com/v1");

    /// <inheritdoc/>
    public string Scheme => "openai";

    /// <inheritdoc/>
    public string Description => "OpenAI Chat Completions; key from OPENAI_API_KEY, optional OPENAI_BASE_URL. Example: openai:gpt-4o-mini";

    /// <inheritdoc/>
    public IChatClient Create(ModelSpec spec, ModelFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var key = ProviderSettings.RequireKey(options, spec, ApiKeyVariable);
        var baseUrl = ProviderSettings.OptionalUrl(options, spec, BaseUrlVariable, "https://api.openai.com/v1") ?? DefaultBaseUrl;
        return OpenAIChatClientFactory.Create(Scheme, spec.Model, key, baseUrl, options);
    }
}
