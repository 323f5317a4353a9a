using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Nines.Benchmarks;

/// <summary>
/// Overhead of <c>UseResilience()</c> (defaults, no faults) over a raw in-memory client. The inner client
/// returns a fresh <see cref="ChatResponse"/> around a cached message each call — the resilience layer annotates
/// the response it returns, so reusing one response object would make it grow without bound.
/// </summary>
[MemoryDiagnoser]
public class ResilienceBenchmarks
{
    private static readonly ChatMessage[] _prompt = [new(ChatRole.User, "What is 2 + 2?")];
    private IChatClient _raw = null!;
    private IChatClient _resilient = null!;
    private ResiliencePipeline<ChatResponse> _pollyOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new InMemoryChatClient();
        _resilient = new InMemoryChatClient().AsBuilder().UseResilience().Build();

        // For reference: the same four Polly strategies with default-like options and nothing of Nines around them.
        _pollyOnly = new ResiliencePipelineBuilder<ChatResponse>()
            .AddTimeout(TimeSpan.FromSeconds(120))
            .AddRetry(new RetryStrategyOptions<ChatResponse> { ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is not null) })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ChatResponse> { ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is not null) })
            .AddTimeout(TimeSpan.FromSeconds(60))
            .Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _resilient.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> Raw() => _raw.GetResponseAsync(_prompt);

    [Benchmark]
    public ValueTask<ChatResponse> PollyStrategiesOnly() =>
        _pollyOnly.ExecuteAsync(static (client, ct) => new ValueTask<ChatResponse>(client.GetResponseAsync(_prompt, null, ct)), _raw, CancellationToken.None);

    [Benchmark]
    public Task<ChatResponse> WithResilience() => _resilient.GetResponseAsync(_prompt);

    private sealed class InMemoryChatClient : IChatClient
    {
        private static readonly ChatMessage _answer = new(ChatRole.Assistant, "4");

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(_answer));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
