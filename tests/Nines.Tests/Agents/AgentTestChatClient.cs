using Microsoft.Extensions.AI;

namespace Nines.Tests.Agents;

/// <summary>A scripted callback fake: each model call gets the next reply from the script (the last one repeats) and is recorded.</summary>
internal sealed class AgentTestChatClient : IChatClient
{
    private readonly Lock _gate = new();

    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? OnGetResponse { get; set; }

    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    public static AgentTestChatClient Scripted(params Func<int, ChatResponse>[] script)
    {
        var next = 0;
        return new AgentTestChatClient
        {
            OnGetResponse = (_, _, _) =>
            {
                var index = Interlocked.Increment(ref next) - 1;
                return Task.FromResult(script[Math.Min(index, script.Length - 1)](index));
            },
        };
    }

    public static Func<int, ChatResponse> Call(string name, object? arguments = null, long tokens = 10, string? model = null) =>
        index => Usage(
            new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"call-{index}", name, ToDictionary(arguments))])) { ModelId = model },
            tokens);

    public static Func<int, ChatResponse> Text(string text, long tokens = 10, string? model = null) =>
        _ => Usage(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = model, FinishReason = ChatFinishReason.Stop }, tokens);

    public static IEnumerable<FunctionResultContent> ResultsSeen(IReadOnlyList<ChatMessage> messages) =>
        messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>();

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

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The agent runner does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static ChatResponse Usage(ChatResponse response, long tokens)
    {
        // Split evenly so cost tests can price input and output alike.
        response.Usage = new UsageDetails { InputTokenCount = tokens / 2, OutputTokenCount = tokens - (tokens / 2), TotalTokenCount = tokens };
        return response;
    }

    private static Dictionary<string, object?>? ToDictionary(object? arguments) => arguments switch
    {
        null => null,
        Dictionary<string, object?> dictionary => dictionary,
        _ => System.Text.Json.JsonSerializer.SerializeToElement(arguments).EnumerateObject()
            .ToDictionary(p => p.Name, p => (object?)p.Value),
    };
}
