using Microsoft.Extensions.AI;
using Polly;

namespace Nines.Resilience;

/// <summary>One underlying client (the primary or a fallback) with its own breaker and attempt timeout.</summary>
internal sealed class ResilienceClientSlot
{
    public ResilienceClientSlot(int index, IChatClient client)
    {
        Index = index;
        Client = client;
        var metadata = client.GetService<ChatClientMetadata>();
        Name = metadata?.DefaultModelId ?? metadata?.ProviderName ?? client.GetType().Name;
    }

    public int Index { get; }

    public IChatClient Client { get; }

    /// <summary>Gets the model id (or provider / type name) used in metrics, traces and messages.</summary>
    public string Name { get; }

    /// <summary>Gets or sets [rate limiters →] circuit breaker → attempt timeout for this client.</summary>
    public ResiliencePipeline<ChatResponse> AttemptPipeline { get; set; } = ResiliencePipeline<ChatResponse>.Empty;
}
