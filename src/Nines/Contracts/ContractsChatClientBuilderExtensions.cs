using Microsoft.Extensions.AI;
using Nines.Contracts;

namespace Nines;

/// <summary>Adds the contracts layer to a chat client pipeline.</summary>
public static class ContractsChatClientBuilderExtensions
{
    /// <summary>
    /// Adds middleware that rejects bad 200s (malformed JSON, schema violations against the call's
    /// <see cref="ChatResponseFormatJson"/> schema, truncation, empty output, refusal) and re-asks the model with the
    /// errors up to <see cref="ContractsOptions.MaxAttempts"/>, then throws <see cref="ContractViolationException"/>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Configures the options; they are validated once, here.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>Put it outermost: each re-ask is a full call through consensus and resilience below it.</remarks>
    public static ChatClientBuilder UseContracts(this ChatClientBuilder builder, Action<ContractsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ContractsOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.Use(inner => new ContractsChatClient(inner, options));
    }
}
