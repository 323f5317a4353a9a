using Microsoft.Extensions.AI;
using Nines.Consensus;

namespace Nines;

/// <summary>Adds the consensus layer to a chat client pipeline.</summary>
public static class ConsensusChatClientBuilderExtensions
{
    /// <summary>
    /// Adds middleware that answers each call by voting across independent samples (first-to-ahead-by-k or majority of
    /// n), discarding red-flagged samples, and returns the winning response with usage summed over every sample.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Configures the options; they are validated once, here, with every problem in one exception.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>Put it below contracts and above resilience, so each sample is retried on transport errors on its own.</remarks>
    public static ChatClientBuilder UseConsensus(this ChatClientBuilder builder, Action<ConsensusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ConsensusOptions();
        configure?.Invoke(options);
        var snapshot = options.Snapshot();
        return builder.Use(inner => new ConsensusChatClient(inner, snapshot));
    }
}
