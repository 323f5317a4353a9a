using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Nines.Tests.Chaos;

/// <summary>A callback fake for chaos tests: answers every call with <see cref="Reply"/>.</summary>
internal sealed class ChaosTestChatClient : IChatClient
{
    public string Reply { get; set; } = """{"vendor":"ACME Corp","total":1250.50,"lines":3}""";

    public int Calls { get; private set; }

    public List<ChatMessage> LastMessages { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        LastMessages.Clear();
        LastMessages.AddRange(messages);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Reply)) { FinishReason = ChatFinishReason.Stop });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls++;
        await Task.Yield();
        var half = Reply.Length / 2;
        yield return new ChatResponseUpdate(ChatRole.Assistant, Reply[..half]);
        yield return new ChatResponseUpdate(ChatRole.Assistant, Reply[half..]) { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
