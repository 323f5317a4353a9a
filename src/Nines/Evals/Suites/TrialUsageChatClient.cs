using Microsoft.Extensions.AI;

namespace Nines.Evals.Suites;

/// <summary>Records the tokens of every reply that reaches it on the trial, priced as <c>model</c>; sits just above the (simulated) provider.</summary>
/// <remarks>Only non-streaming calls are metered: the built-in suites make no streaming calls.</remarks>
internal sealed class TrialUsageChatClient(IChatClient inner, EvalTrialContext context, string model) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (response.Usage is { } usage)
        {
            context.RecordUsage(model, usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0);
        }

        return response;
    }
}
