using Microsoft.Extensions.AI;

namespace Nines.Resilience;

/// <summary>
/// Carries an opened stream and its first update through the <see cref="Polly.ResiliencePipeline{T}"/> of
/// <see cref="ChatResponse"/>, so streaming and non-streaming calls share the same per-client breakers.
/// </summary>
internal sealed class StreamStartResponse : ChatResponse, IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation;

    public StreamStartResponse(IAsyncEnumerator<ChatResponseUpdate> enumerator, CancellationTokenSource cancellation, ChatResponseUpdate? first, ResilienceClientSlot slot)
    {
        Enumerator = enumerator;
        _cancellation = cancellation;
        First = first;
        Slot = slot;
    }

    public IAsyncEnumerator<ChatResponseUpdate> Enumerator { get; }

    public ChatResponseUpdate? First { get; }

    public ResilienceClientSlot Slot { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Enumerator.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _cancellation.Dispose();
        }
    }
}
