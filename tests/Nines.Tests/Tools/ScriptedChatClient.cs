using Microsoft.Extensions.AI;

namespace Nines.Tests.Tools;

/// <summary>A hand-written fake model: each call is answered by <see cref="OnGetResponse"/>, and every request is kept.</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, int, ChatResponse> OnGetResponse { get; set; } =
        (_, _, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"));

    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Requests.Add((list, options));
        return Task.FromResult(OnGetResponse(list, options, Requests.Count));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The scripted client does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
