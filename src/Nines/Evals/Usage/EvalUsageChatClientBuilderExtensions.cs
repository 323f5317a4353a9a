using Microsoft.Extensions.AI;
using Nines.Evals;

namespace Nines;

/// <summary>Adds eval usage metering to a chat client pipeline.</summary>
public static class EvalUsageChatClientBuilderExtensions
{
    /// <summary>Records the tokens of every response on <paramref name="context"/>, priced as <paramref name="model"/>.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="context">The eval trial the calls belong to.</param>
    /// <param name="model">The model's name as keyed in <see cref="EvalSuite.Prices"/>.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <remarks>Builders wrap outermost first, so add it last to sit next to the model and count every call that reaches it
    /// (each retry, each vote sample): <c>model.AsBuilder().UseResilience(…).UseEvalUsage(context, "gpt-x").Build()</c>.</remarks>
    public static ChatClientBuilder UseEvalUsage(this ChatClientBuilder builder, EvalTrialContext context, string model)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return builder.Use(inner => new EvalUsageChatClient(inner, context, model));
    }
}
