using Microsoft.Extensions.AI;

namespace Nines.Models;

/// <summary>Turns a parsed <see cref="ModelSpec"/> of one scheme (such as <c>openai</c> or <c>sim</c>) into an <see cref="IChatClient"/>.</summary>
public interface IModelProvider
{
    /// <summary>Gets the scheme this provider serves, such as <c>openai</c>.</summary>
    string Scheme { get; }

    /// <summary>Gets a one-line description with an example spec, shown in help and error messages.</summary>
    string Description { get; }

    /// <summary>Creates a client for <paramref name="spec"/>.</summary>
    /// <param name="spec">The parsed spec; its <see cref="ModelSpec.Scheme"/> equals <see cref="Scheme"/>.</param>
    /// <param name="options">Environment, HTTP and clock settings.</param>
    /// <returns>A client that calls the model. The caller owns and disposes it.</returns>
    /// <exception cref="ModelSpecException">The spec is malformed or its configuration (such as an API key) is missing.</exception>
    IChatClient Create(ModelSpec spec, ModelFactoryOptions options);
}
