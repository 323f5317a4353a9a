using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Nines.Workflows;

/// <summary>
/// A chat client whose every call is a journaled step of a workflow run: the first run makes the call, a replay (after a
/// crash, a deploy or a durable wait) returns the journaled response and makes no call.
/// </summary>
/// <remarks>
/// Use it from workflow code only, one call at a time, as with any step. Streaming calls are made as one non-streaming
/// call and replayed as updates. Responses are journaled as JSON with <see cref="AIJsonUtilities.DefaultOptions"/>; the
/// step payload limit applies (<see cref="WorkflowEngineOptions.MaxPayloadBytes"/>).
/// </remarks>
public sealed class WorkflowChatClient : DelegatingChatClient
{
    private readonly WorkflowContext _context;
    private readonly string _stepName;

    /// <summary>Initializes a new instance of the <see cref="WorkflowChatClient"/> class.</summary>
    /// <param name="context">The workflow run.</param>
    /// <param name="innerClient">The model.</param>
    /// <param name="stepName">The journal step name of each call.</param>
    public WorkflowChatClient(WorkflowContext context, IChatClient innerClient, string stepName = "model")
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(stepName);
        _context = context;
        _stepName = stepName;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var journaled = await _context.StepAsync(_stepName, async token =>
        {
            var response = await base.GetResponseAsync(messages, options, token).ConfigureAwait(false);
            return JsonSerializer.SerializeToElement(response, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)));
        }).ConfigureAwait(false);
        return (ChatResponse)journaled.Deserialize(AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)))!;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }
}
