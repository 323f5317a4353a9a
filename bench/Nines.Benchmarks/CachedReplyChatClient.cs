using Microsoft.Extensions.AI;

namespace Nines.Benchmarks;

/// <summary>An in-memory client that answers every call with the same reply, to measure the layers above it.</summary>
internal sealed class CachedReplyChatClient(ChatResponse reply) : IChatClient
{
    private readonly Task<ChatResponse> _reply = Task.FromResult(reply);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => _reply;

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
