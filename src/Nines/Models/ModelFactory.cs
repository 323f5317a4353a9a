using System.Text;
using Microsoft.Extensions.AI;
using Nines.Providers;

namespace Nines.Models;

/// <summary>
/// Turns model specs such as <c>openai:gpt-4o-mini</c> into <see cref="IChatClient"/>s through a registry of
/// <see cref="IModelProvider"/>s, one per scheme.
/// </summary>
/// <remarks>
/// The built-in schemes <c>openai</c>, <c>openai-compatible</c>, <c>ollama</c> and <c>anthropic</c> are registered
/// from the start; others (such as <c>sim</c>) are added with <see cref="Register"/>. The registry is process-wide
/// and thread-safe.
/// </remarks>
public static class ModelFactory
{
    private static readonly Lock _gate = new();
    private static readonly Dictionary<string, IModelProvider> _providers = CreateBuiltIns();

    /// <summary>Gets the registered providers, ordered by scheme.</summary>
    public static IReadOnlyList<IModelProvider> Providers
    {
        get
        {
            lock (_gate)
            {
                return [.. _providers.Values.OrderBy(p => p.Scheme, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Registers <paramref name="provider"/> for its scheme, replacing any provider registered for the same scheme.</summary>
    /// <param name="provider">The provider.</param>
    /// <exception cref="ArgumentException">The provider's scheme is empty or contains characters other than lower-case letters, digits, '-', '_' and '.'.</exception>
    public static void Register(IModelProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var scheme = provider.Scheme;
        if (string.IsNullOrEmpty(scheme) || !scheme.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException(
                $"Provider {provider.GetType().Name} has scheme '{scheme}'; a scheme must be non-empty and use only lower-case letters, digits, '-', '_' and '.'.",
                nameof(provider));
        }

        lock (_gate)
        {
            _providers[scheme] = provider;
        }
    }

    /// <summary>Finds the provider registered for <paramref name="scheme"/>.</summary>
    /// <param name="scheme">The scheme, such as <c>openai</c>.</param>
    /// <param name="provider">The provider, when found.</param>
    /// <returns><see langword="true"/> when a provider is registered for the scheme.</returns>
    public static bool TryGetProvider(string scheme, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IModelProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        lock (_gate)
        {
            return _providers.TryGetValue(scheme.ToLowerInvariant(), out provider);
        }
    }

    /// <summary>Parses <paramref name="spec"/> and creates a client for it.</summary>
    /// <param name="spec">The spec, such as <c>openai:gpt-4o-mini</c> or <c>ollama:llama3.2</c>.</param>
    /// <param name="options">Environment, HTTP and clock settings. The default value is a new <see cref="ModelFactoryOptions"/>.</param>
    /// <returns>A client that calls the model. The caller owns and disposes it.</returns>
    /// <exception cref="ModelSpecException">The spec is malformed, names an unknown scheme, or its configuration (such as an API key) is missing.</exception>
    public static IChatClient Create(string spec, ModelFactoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Create(ModelSpec.Parse(spec), options);
    }

    /// <summary>Creates a client for a parsed <paramref name="spec"/>.</summary>
    /// <param name="spec">The parsed spec.</param>
    /// <param name="options">Environment, HTTP and clock settings. The default value is a new <see cref="ModelFactoryOptions"/>.</param>
    /// <returns>A client that calls the model. The caller owns and disposes it.</returns>
    /// <exception cref="ModelSpecException">The spec names an unknown scheme, or its configuration (such as an API key) is missing.</exception>
    public static IChatClient Create(ModelSpec spec, ModelFactoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!TryGetProvider(spec.Scheme, out var provider))
        {
            throw new ModelSpecException(DescribeUnknownScheme(spec));
        }

        return provider.Create(spec, options ?? new ModelFactoryOptions());
    }

    private static string DescribeUnknownScheme(ModelSpec spec)
    {
        var message = new StringBuilder();
        message.Append("Model spec '").Append(spec.Text).Append("' uses the unknown scheme '").Append(spec.Scheme)
            .Append("'. Use one of these schemes:");
        foreach (var provider in Providers)
        {
            message.AppendLine().Append("  ").Append(provider.Scheme).Append(": ").Append(provider.Description);
        }

        return message.ToString();
    }

    private static Dictionary<string, IModelProvider> CreateBuiltIns()
    {
        IModelProvider[] builtIns = [new Nines.Simulation.SimulatedModelProvider(), new OpenAIModelProvider(), new OpenAICompatibleModelProvider(), new OllamaModelProvider(), new AnthropicModelProvider()];
        return builtIns.ToDictionary(p => p.Scheme, StringComparer.Ordinal);
    }
}
