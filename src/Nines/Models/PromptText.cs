using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Nines.Models;

/// <summary>How many characters of a chat message a model reads: its text, reasoning, tool calls and tool results.</summary>
/// <remarks>
/// Shared by the agent runner's token estimate and the simulated models' token counts, so both measure a prompt alike.
/// Images, files and other binary contents count as nothing: their token cost depends on the provider.
/// </remarks>
internal static class PromptText
{
    // Compact, as providers send JSON: AIJsonUtilities.DefaultOptions indents, which would count layout as tokens.
    private static readonly JsonSerializerOptions _compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>Counts the characters of <paramref name="message"/> that a model reads.</summary>
    public static long Length(ChatMessage message)
    {
        long length = 0;
        foreach (var content in message.Contents)
        {
            length += Length(content);
        }

        return length;
    }

    /// <summary>Counts the characters of one content item that a model reads.</summary>
    public static long Length(AIContent content) => content switch
    {
        TextContent text => text.Text?.Length ?? 0,
        TextReasoningContent reasoning => reasoning.Text?.Length ?? 0,
        FunctionCallContent call => call.Name.Length + ArgumentsLength(call.Arguments),
        FunctionResultContent result => Render(result.Result).Length,
        _ => 0,
    };

    /// <summary>The text a provider would send for a tool result: a string as is, JSON as its raw text, anything else serialized.</summary>
    public static string Render(object? result)
    {
        switch (result)
        {
            case null:
                return string.Empty;
            case string text:
                return text;
            case JsonElement element:
                return element.ValueKind == JsonValueKind.String ? element.GetString() ?? string.Empty : element.GetRawText();
            default:
                try
                {
                    return JsonSerializer.Serialize(result, _compact.GetTypeInfo(result.GetType()));
                }
                catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
                {
                    return result.ToString() ?? string.Empty;
                }
        }
    }

    private static long ArgumentsLength(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return 2;
        }

        return JsonSerializer.Serialize(arguments, _compact.GetTypeInfo(typeof(IDictionary<string, object?>))).Length;
    }
}
