using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Nines.Models;
using OpenAI;
using OpenAI.Chat;

namespace Nines.Providers;

/// <summary>Builds an <see cref="IChatClient"/> over any OpenAI-compatible Chat Completions endpoint with the SDK's retries off.</summary>
internal static class OpenAIChatClientFactory
{
    public static IChatClient Create(string scheme, string model, string apiKey, Uri endpoint, ModelFactoryOptions options)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,

            // Nines owns retries (Retry-After aware, budgeted, traced); a second, hidden retry loop in the SDK
            // would multiply attempts and hide 429s from the resilience layer.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = ProviderSettings.NetworkTimeout,
        };

        var httpClient = ProviderSettings.CreateHttpClient(options);
        if (httpClient is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
        }

        var chat = new ChatClient(model, new ApiKeyCredential(apiKey), clientOptions).AsIChatClient();

        // ClientResultException already carries the status and the raw response headers; nothing to translate.
        return new ProviderChatClient(chat, $"{scheme} {endpoint} model {model}", translate: null, httpClient);
    }
}
