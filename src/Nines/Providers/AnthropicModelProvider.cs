using System.Net;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Providers;

/// <summary>
/// The <c>anthropic:&lt;model&gt;</c> scheme: Anthropic's Messages API through the official SDK. Needs
/// <c>ANTHROPIC_API_KEY</c>; honours <c>ANTHROPIC_BASE_URL</c> (default <c>https://api.anthropic.com</c>).
/// </summary>
/// <remarks>
/// The SDK's own retries are turned off: retries belong to the resilience layer. The SDK's HTTP errors
/// (<see cref="AnthropicApiException"/>) carry the status but not the response headers, so the client rethrows them as
/// <see cref="ModelHttpException"/> with the <c>Retry-After</c> hint the HTTP layer saw, keeping the SDK's exception
/// as the inner exception.
/// </remarks>
public sealed class AnthropicModelProvider : IModelProvider
{
    /// <summary>The environment variable that holds the API key.</summary>
    public const string ApiKeyVariable = "ANTHROPIC_API_KEY";

    /// <summary>The environment variable that overrides the base URL.</summary>
    public const string BaseUrlVariable = "ANTHROPIC_BASE_URL";

    /// <summary>The base URL used when <see cref="BaseUrlVariable"/> is not set (the SDK appends <c>/v1/messages</c>).</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.anthropic.com");

    /// <inheritdoc/>
    public string Scheme => "anthropic";

    /// <inheritdoc/>
    public string Description => "Anthropic Messages API; key from ANTHROPIC_API_KEY, optional ANTHROPIC_BASE_URL. Example: anthropic:claude-sonnet-4-5";

    /// <inheritdoc/>
    public IChatClient Create(ModelSpec spec, ModelFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var key = ProviderSettings.RequireKey(options, spec, ApiKeyVariable);
        var baseUrl = ProviderSettings.OptionalUrl(options, spec, BaseUrlVariable, "https://api.anthropic.com") ?? DefaultBaseUrl;
        var httpClient = ProviderSettings.CreateHttpClient(options);

        var clientOptions = new ClientOptions
        {
            ApiKey = key,
            BaseUrl = baseUrl.ToString().TrimEnd('/'),

            // Nines owns retries; see OpenAIChatClientFactory.
            MaxRetries = 0,
            Timeout = ProviderSettings.NetworkTimeout,
            Handlers = [new ProviderResponseCaptureHandler(options.TimeProvider)],
        };
        if (httpClient is not null)
        {
            clientOptions.HttpClient = httpClient;
        }

        var anthropic = new AnthropicClient(clientOptions);
        var chat = anthropic.AsIChatClient(spec.Model);
        return new ProviderChatClient(chat, $"{Scheme} {baseUrl} model {spec.Model}", Translate, anthropic, httpClient);
    }

    private static ModelHttpException? Translate(Exception exception, ProviderResponseCapture capture)
    {
        if (exception is not AnthropicApiException api)
        {
            return null;
        }

        var retryAfter = capture.Status == api.StatusCode ? capture.RetryAfter : null;
        var hint = retryAfter is { } delay ? $" The server asked to retry after {delay.TotalSeconds:0.###} s." : string.Empty;
        return new ModelHttpException(
            $"Anthropic answered HTTP {(int)api.StatusCode} ({StatusName(api.StatusCode)}): {api.Message}{hint}",
            api.StatusCode,
            retryAfter,
            HttpRequestError.Unknown,
            api);
    }

    private static string StatusName(HttpStatusCode status) =>
        status == ProviderErrors.AnthropicOverloaded ? "Overloaded" : status.ToString();
}
