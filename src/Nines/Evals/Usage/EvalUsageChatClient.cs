using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Nines.Evals;

/// <summary>
/// Records the tokens of every response that passes through it on an eval trial (<see cref="EvalTrialContext.RecordUsage"/>),
/// so the report shows each configuration's tokens and cost. Add it with <c>UseEvalUsage(context, model)</c>.
/// </summary>
/// <remarks>Place it just above the model (innermost), so every call that reaches the provider is counted, including
/// retries and every sample of a vote. Responses without usage record nothing. Thread-safe.</remarks>
public sealed class EvalUsageChatClient : DelegatingChatClient
{
    private readonly EvalTrialContext _context;
    private readonly string _model;

    /// <summary>Creates the meter.</summary>
    /// <param name="innerClient">The client whose responses are counted.</param>
    /// <param name="context">The trial to record on.</param>
    /// <param name="model">The model's name as keyed in <see cref="EvalSuite.Prices"/>.</param>
    public EvalUsageChatClient(IChatClient innerClient, EvalTrialContext context, string model)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _context = context;
        _model = model;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Record(response.Usage);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                Record(usage.Details);
            }

            yield return update;
        }
    }

    private void Record(UsageDetails? usage)
    {
        if (usage is not null)
        {
            _context.RecordUsage(_model, Math.Max(0, usage.InputTokenCount ?? 0), Math.Max(0, usage.OutputTokenCount ?? 0));
        }
    }
}
