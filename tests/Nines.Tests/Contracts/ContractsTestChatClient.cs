using Microsoft.Extensions.AI;

namespace Nines.Tests.Contracts;

/// <summary>A callback fake chat client that records every call it receives.</summary>
internal sealed class ContractsTestChatClient : IChatClient
{
    private readonly Lock _gate = new();

    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? OnGetResponse { get; set; }

    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    /// <summary>Creates a client that returns the given replies in order (the last one repeats).</summary>
    public static ContractsTestChatClient Replying(params ChatResponse[] replies)
    {
        var next = 0;
        return new ContractsTestChatClient
        {
            OnGetResponse = (_, _, _) => Task.FromResult(replies[Math.Min(Interlocked.Increment(ref next) - 1, replies.Length - 1)]),
        };
    }

    public static ChatResponse Reply(string text, ChatFinishReason? finish = null, long? inputTokens = 10, long? outputTokens = 5)
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { FinishReason = finish ?? ChatFinishReason.Stop };
        if (inputTokens is not null || outputTokens is not null)
        {
            response.Usage = new UsageDetails
            {
                InputTokenCount = inputTokens,
                OutputTokenCount = outputTokens,
                TotalTokenCount = (inputTokens ?? 0) + (outputTokens ?? 0),
            };
        }

        return response;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var snapshot = messages.ToList();
        lock (_gate)
        {
            Calls.Add((snapshot, options));
        }

        return OnGetResponse?.Invoke(snapshot, options, cancellationToken)
            ?? throw new InvalidOperationException("OnGetResponse is not set.");
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
