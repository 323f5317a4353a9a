using System.Text.Json.Nodes;

namespace Nines.Tests.Fakes;

/// <summary>Bodies in Anthropic's Messages wire format (<c>POST /v1/messages</c>).</summary>
public static class AnthropicWireFormat
{
    public const string Path = "/v1/messages";

    public static string Message(string text, string stopReason = "end_turn", int inputTokens = 11, int outputTokens = 7) =>
        MessageWith(new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }), stopReason, inputTokens, outputTokens);

    public static string ToolUse(string id, string name, string inputJson) =>
        MessageWith(
            new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "Let me check." },
                new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = JsonNode.Parse(inputJson) }),
            "tool_use",
            11,
            7);

    /// <summary>SSE events of a streamed text message: message_start, one text block, message_delta, message_stop.</summary>
    public static IEnumerable<string> Stream(IEnumerable<string> deltas, string stopReason = "end_turn", int inputTokens = 11, int outputTokens = 7)
    {
        var start = MessageObject(new JsonArray(), null, inputTokens, 1);
        yield return Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = start });
        yield return Event("content_block_start", new JsonObject
        {
            ["type"] = "content_block_start",
            ["index"] = 0,
            ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" },
        });
        yield return Event("ping", new JsonObject { ["type"] = "ping" });
        foreach (var delta in deltas)
        {
            yield return Event("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = 0,
                ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = delta },
            });
        }

        yield return Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        yield return Event("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = outputTokens },
        });
        yield return Event("message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    /// <summary>The start of a stream followed by an <c>error</c> event, as Anthropic sends when it overloads mid-stream.</summary>
    public static IEnumerable<string> StreamThenError(string errorType, string message)
    {
        yield return Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = MessageObject(new JsonArray(), null, 11, 1) });
        yield return Event("error", JsonNode.Parse(Error(errorType, message))!.AsObject());
    }

    public static string Error(string type, string message) =>
        new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
        }.ToJsonString();

    private static string MessageWith(JsonArray content, string stopReason, int inputTokens, int outputTokens) =>
        MessageObject(content, stopReason, inputTokens, outputTokens).ToJsonString();

    private static JsonObject MessageObject(JsonArray content, string? stopReason, int inputTokens, int outputTokens) => new()
    {
        ["id"] = "msg_fake1",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = "m",
        ["content"] = content,
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = outputTokens },
    };

    private static string Event(string name, JsonObject data) => $"event: {name}\ndata: {data.ToJsonString()}\n\n";
}
