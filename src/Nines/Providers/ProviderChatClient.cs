using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Providers;

/// <summary>
/// The outermost layer of every built-in provider's client: notes on each response which endpoint and model answered,
/// and translates SDK exceptions that hide the HTTP status or <c>Retry-After</c> into <see cref="ModelHttpException"/>.
/// </summary>
internal sealed class ProviderChatClient : DelegatingChatClient
{
    private readonly string _note;
    private readonly Func<Exception, ProviderResponseCapture, Exception?>? _translate;
    private readonly IDisposable?[] _owned;

    public ProviderChatClient(IChatClient inner, string note, Func<Exception, ProviderResponseCapture, Exception?>? translate, params IDisposable?[] owned)
        : base(inner)
    {
        _note = note;
        _translate = translate;
        _owned = owned;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var capture = ProviderResponseCapture.Begin();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, capture) is { } translated)
        {
            throw translated;
        }

        LayerTrace.Add(response, "provider", _note);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var capture = ProviderResponseCapture.Begin();
        var updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    // The capture lives in an AsyncLocal, which an async iterator does not keep between MoveNext calls.
                    ProviderResponseCapture.Resume(capture);
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex) when (Translate(ex, capture) is { } translated)
                {
                    throw translated;
                }

                yield return update;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var owned in _owned)
            {
                owned?.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private Exception? Translate(Exception exception, ProviderResponseCapture capture) =>
        _translate is null || exception is OperationCanceledException ? null : _translate(exception, capture);
}
