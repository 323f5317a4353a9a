using Microsoft.Extensions.AI;

namespace Nines.CommandLine.Demo;

/// <summary>Counts the calls that reach the provider and the tokens they use; sits just above the (simulated) provider.</summary>
internal sealed class CallMeter(IChatClient inner) : DelegatingChatClient(inner)
{
    private long _calls;
    private long _inputTokens;
    private long _outputTokens;

    public long Calls => Interlocked.Read(ref _calls);

    public long InputTokens => Interlocked.Read(ref _inputTokens);

    public long OutputTokens => Interlocked.Read(ref _outputTokens);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _inputTokens, response.Usage?.InputTokenCount ?? 0);
        Interlocked.Add(ref _outputTokens, response.Usage?.OutputTokenCount ?? 0);
        return response;
    }
}
