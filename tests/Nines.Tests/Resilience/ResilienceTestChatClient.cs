using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Nines.Tests.Resilience;

/// <summary>A callback-driven <see cref="IChatClient"/> for the resilience tests. Counts calls; the callbacks get the 1-based call number.</summary>
internal sealed class ResilienceTestChatClient : IChatClient
{
    private int _calls;

    public ResilienceTestChatClient(string modelId = "test-model")
    {
        ModelId = modelId;
    }

    public string ModelId { get; }

    public int Calls => Volatile.Read(ref _calls);

    public Func<int, CancellationToken, Task<ChatResponse>> OnGetResponse { get; set; } =
        (_, _) => Task.FromResult(Reply("ok"));

    public Func<int, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> OnGetStreamingResponse { get; set; } =
        (_, ct) => Updates(ct, "o", "k");

    public static ChatResponse Reply(string text) => new(new ChatMessage(ChatRole.Assistant, text));

    /// <summary>A task that never completes unless <paramref name="cancellationToken"/> is cancelled (no clock involved).</summary>
    public static async Task<ChatResponse> HangAsync(CancellationToken cancellationToken)
    {
        // Continuations run inline, so a fake-clock Advance that cancels the token runs the retry before it returns.
        var never = new TaskCompletionSource<ChatResponse>();
        using (cancellationToken.Register(() => never.TrySetCanceled(cancellationToken)))
        {
            return await never.Task.ConfigureAwait(false);
        }
    }

    public static async IAsyncEnumerable<ChatResponseUpdate> Updates(
        [EnumeratorCancellation] CancellationToken cancellationToken,
        params string[] texts)
    {
        foreach (var text in texts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.CompletedTask;
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }
    }

    public static async IAsyncEnumerable<ChatResponseUpdate> UpdatesThenThrow(Exception exception, params string[] texts)
    {
        foreach (var text in texts)
        {
            await Task.CompletedTask;
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }

        throw exception;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        try
        {
            return OnGetResponse(call, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<ChatResponse>(ex);
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        return OnGetStreamingResponse(call, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("test", null, ModelId) : null;

    public void Dispose()
    {
    }
}
