using System.Text.Json.Nodes;

namespace Nines.Tests.Fakes;

/// <summary>Bodies in OpenAI's Chat Completions wire format (<c>POST /v1/chat/completions</c>).</summary>
public static class OpenAIWireFormat
{
    public const string Path = "/v1/chat/completions";

    public static string Completion(string? content, string finishReason = "stop", int promptTokens = 11, int completionTokens = 7, JsonArray? toolCalls = null)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null };
        if (toolCalls is not null)
        {
            message["tool_calls"] = toolCalls;
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-fake1",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = "m",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = Usage(promptTokens, completionTokens),
        }.ToJsonString();
    }

    public static string ToolCall(string id, string name, string argumentsJson) =>
        Completion(null, "tool_calls", toolCalls: new JsonArray(new JsonObject
        {
            ["id"] = id,
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name, ["arguments"] = argumentsJson },
        }));

    /// <summary>SSE frames: a role chunk, one chunk per delta, a finish chunk, a usage chunk, then <c>[DONE]</c>.</summary>
    public static IEnumerable<string> Stream(IEnumerable<string> deltas, string finishReason = "stop", int promptTokens = 11, int completionTokens = 7)
    {
        yield return Frame(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
        foreach (var delta in deltas)
        {
            yield return Frame(Chunk(new JsonObject { ["content"] = delta }, null));
        }

        yield return Frame(Chunk(new JsonObject(), finishReason));
        var usage = Chunk(null, null);
        usage["usage"] = Usage(promptTokens, completionTokens);
        yield return Frame(usage);
        yield return "data: [DONE]\n\n";
    }

    public static string Error(string type, string message, string? code = null) =>
        new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
        }.ToJsonString();

    private static JsonObject Usage(int promptTokens, int completionTokens) => new()
    {
        ["prompt_tokens"] = promptTokens,
        ["completion_tokens"] = completionTokens,
        ["total_tokens"] = promptTokens + completionTokens,
    };

    private static JsonObject Chunk(JsonObject? delta, string? finishReason) => new()
    {
        ["id"] = "chatcmpl-fake1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = "m",
        ["choices"] = delta is null
            ? new JsonArray()
            : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
    };

    private static string Frame(JsonObject data) => $"data: {data.ToJsonString()}\n\n";
}
