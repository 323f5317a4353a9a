using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Providers;

/// <summary>
/// The <c>ollama:&lt;model&gt;</c> scheme: a local Ollama server through its OpenAI-compatible endpoint
/// (<c>$OLLAMA_HOST/v1</c>, default <c>http://localhost:11434/v1</c>). No key is needed.
/// </summary>
public sealed class OllamaModelProvider : IModelProvider
{
    /// <summary>The environment variable that names the Ollama server, as Ollama's own CLI reads it.</summary>
    public const string HostVariable = "OLLAMA_HOST";

    /// <summary>The server used when <see cref="HostVariable"/> is not set.</summary>
    public const string DefaultHost = "http://localhost:11434";

    internal const string PlaceholderKey = "ollama";

    /// <inheritdoc/>
    public string Scheme => "ollama";

    /// <inheritdoc/>
    public string Description => "a local Ollama server at $OLLAMA_HOST (default http://localhost:11434), no key. Example: ollama:llama3.2";

    /// <summary>Turns an <c>OLLAMA_HOST</c> value into the OpenAI-compatible endpoint, as Ollama's CLI interprets it.</summary>
    /// <param name="host">
    /// The value: <c>host</c>, <c>host:port</c> or a URL; <see langword="null"/> or empty means the default. A bind-all
    /// address (<c>0.0.0.0</c>, <c>[::]</c>) means this machine.
    /// </param>
    /// <returns>The endpoint, ending in <c>/v1</c>.</returns>
    /// <exception cref="ModelSpecException">The value is not a host or an http(s) URL.</exception>
    public static Uri GetEndpoint(string? host)
    {
        var value = string.IsNullOrWhiteSpace(host) ? DefaultHost : host.Trim();
        var hasScheme = value.Contains("://", StringComparison.Ordinal);
        if (!hasScheme)
        {
            value = "http://" + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
        {
            throw new ModelSpecException(
                $"The environment variable {HostVariable} is '{host}', which is not a host, host:port or http(s) URL. " +
                $"Set it to where Ollama listens, for example {DefaultHost}, or unset it.");
        }

        var builder = new UriBuilder(url);
        if (url.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "localhost";
        }

        if (url.IsDefaultPort && !hasScheme)
        {
            builder.Port = 11434;
        }

        var path = builder.Path.TrimEnd('/');
        builder.Path = path.EndsWith("/v1", StringComparison.Ordinal) ? path : path + "/v1";
        return builder.Uri;
    }

    /// <inheritdoc/>
    public IChatClient Create(ModelSpec spec, ModelFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = GetEndpoint(options.GetEnvironmentVariable(HostVariable));
        return OpenAIChatClientFactory.Create(Scheme, spec.Model, PlaceholderKey, endpoint, options);
    }
}
