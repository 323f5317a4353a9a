using Nines.Models;

namespace Nines.Providers;

/// <summary>Reads the environment variables the built-in providers need, with errors that say which variable to set.</summary>
internal static class ProviderSettings
{
    /// <summary>How long one HTTP exchange may take in the SDKs; Nines' resilience layer owns the real, shorter attempt timeouts.</summary>
    public static readonly TimeSpan NetworkTimeout = TimeSpan.FromMinutes(10);

    public static string RequireKey(ModelFactoryOptions options, ModelSpec spec, string variable)
    {
        var key = options.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ModelSpecException($"{spec.Text} needs an API key: set the environment variable {variable}.");
        }

        return key.Trim();
    }

    public static string? OptionalKey(ModelFactoryOptions options, string variable)
    {
        var key = options.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(key) ? null : key.Trim();
    }

    public static Uri? OptionalUrl(ModelFactoryOptions options, ModelSpec spec, string variable, string example)
    {
        var value = options.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ModelSpecException(
                $"{spec.Text}: the environment variable {variable} is '{value}', which is not an absolute http or https URL. " +
                $"Set it to the API's base URL, for example {example}, or unset it to use the default.");
        }

        return url;
    }

    public static HttpClient? CreateHttpClient(ModelFactoryOptions options) =>
        options.HttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : null;
}
