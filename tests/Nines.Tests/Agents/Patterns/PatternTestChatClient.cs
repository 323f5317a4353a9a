using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Nines.Tests.Workflows;

namespace Nines.Tests.Agents.Patterns;

/// <summary>A thread-safe scripted model: <see cref="Reply"/> answers each prompt; every prompt is kept so tests can count calls.</summary>
internal sealed class PatternTestChatClient(Func<string, string> reply) : IChatClient
{
    private readonly ConcurrentQueue<string> _prompts = new();

    public Func<string, string> Reply { get; set; } = reply;

    /// <summary>Runs before each reply (after the prompt is recorded); a test kills the store from here to simulate a crash.</summary>
    public Action<string>? OnCall { get; set; }

    /// <summary>True once the simulated process is dead: a dead process makes no more model calls.</summary>
    public Func<bool>? Dead { get; set; }

    public IReadOnlyList<string> Prompts => [.. _prompts];

    public int Calls => _prompts.Count;

    public int CallsContaining(string text) => _prompts.Count(p => p.Contains(text, StringComparison.Ordinal));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Dead?.Invoke() == true)
        {
            throw new ProcessDiedException();
        }

        var prompt = string.Join("\n", messages.Select(m => m.Text));
        _prompts.Enqueue(prompt);
        OnCall?.Invoke(prompt);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Reply(prompt))));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The scripted client does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
