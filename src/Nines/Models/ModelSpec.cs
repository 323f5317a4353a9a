namespace Nines.Models;

/// <summary>
/// A model named as a string, so the CLI and configuration files can name any model:
/// <c>sim:&lt;profile&gt;</c>, <c>openai:&lt;model&gt;</c>, <c>openai-compatible:&lt;base-url&gt;#&lt;model&gt;</c>,
/// <c>ollama:&lt;model&gt;</c>, <c>anthropic:&lt;model&gt;</c>.
/// </summary>
/// <param name="Scheme">The provider scheme, lower case (for example <c>openai</c>).</param>
/// <param name="Model">The model name or, for <c>sim</c>, the simulation profile.</param>
/// <param name="BaseUrl">The endpoint, for schemes that carry one in the spec (<c>openai-compatible</c>).</param>
/// <param name="Text">The spec as written.</param>
public sealed record ModelSpec(string Scheme, string Model, Uri? BaseUrl, string Text)
{
    /// <summary>Parses <paramref name="text"/> into its scheme, model and optional base URL.</summary>
    /// <param name="text">The spec, such as <c>openai:gpt-4o-mini</c>.</param>
    /// <returns>The parsed spec. The scheme is not checked against the registered providers here.</returns>
    /// <exception cref="ModelSpecException">The text is not of the form <c>scheme:model</c>.</exception>
    public static ModelSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon < 0 ? string.Empty : trimmed[..colon].Trim().ToLowerInvariant();
        var rest = colon < 0 ? string.Empty : trimmed[(colon + 1)..].Trim();
        if (scheme.Length == 0 || rest.Length == 0)
        {
            throw new ModelSpecException(
                $"Model spec '{text}' is not of the form scheme:model. Examples: sim:good, openai:gpt-4o-mini, " +
                "openai-compatible:http://localhost:8000/v1#my-model, ollama:llama3.2, anthropic:claude-sonnet-4-5.");
        }

        if (scheme != "openai-compatible")
        {
            return new ModelSpec(scheme, rest, null, text);
        }

        var hash = rest.LastIndexOf('#');
        if (hash <= 0 || hash == rest.Length - 1)
        {
            throw new ModelSpecException(
                $"Model spec '{text}' needs a base URL and a model separated by '#', for example openai-compatible:http://localhost:8000/v1#my-model.");
        }

        if (!Uri.TryCreate(rest[..hash], UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ModelSpecException(
                $"Model spec '{text}' has base URL '{rest[..hash]}', which is not an absolute http or https URL; write it like http://localhost:8000/v1.");
        }

        var model = rest[(hash + 1)..].Trim();
        if (model.Length == 0)
        {
            throw new ModelSpecException(
                $"Model spec '{text}' needs a model name after '#', for example openai-compatible:http://localhost:8000/v1#my-model.");
        }

        return new ModelSpec(scheme, model, baseUrl, text);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
