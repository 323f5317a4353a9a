using Microsoft.Extensions.AI;
using Nines.Resilience;

namespace Nines;

/// <summary>Adds the Nines resilience layer to a <see cref="ChatClientBuilder"/>.</summary>
public static class ResilienceChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="ResilienceChatClient"/>: total timeout → retry (exponential backoff with jitter, honouring
    /// <c>Retry-After</c>) → circuit breaker per client → attempt timeout, with an optional fallback chain, hedging
    /// and client-side rate limits.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the default <see cref="ResilienceOptions"/>; runs once, when the pipeline is built.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentException">Thrown when the client is built if the options are invalid; the message lists every problem.</exception>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, Action<ResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(innerClient =>
        {
            var options = new ResilienceOptions();
            configure?.Invoke(options);
            return new ResilienceChatClient(innerClient, options);
        });
    }
}
