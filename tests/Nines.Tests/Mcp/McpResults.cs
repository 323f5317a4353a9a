using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Nines.Tests.Mcp;

/// <summary>Reads what an MCP tool returned through AIFunction.</summary>
internal static class McpResults
{
    // The SDK hands back a lone text block as TextContent, several blocks as AIContent, and a result with
    // structured content (as server-filesystem sends) as the CallToolResult JSON.
    public static string Text(object? result) => result switch
    {
        TextContent text => text.Text,
        IEnumerable<AIContent> contents => string.Concat(contents.OfType<TextContent>().Select(c => c.Text)),
        JsonElement element => string.Concat(element.GetProperty("content").EnumerateArray()
            .Where(c => c.GetProperty("type").GetString() == "text")
            .Select(c => c.GetProperty("text").GetString())),
        _ => throw new Xunit.Sdk.XunitException($"Unexpected MCP tool result {result?.GetType().FullName ?? "null"}: {result}"),
    };

    public static bool IsError(object? result) =>
        result is JsonElement element && element.TryGetProperty("isError", out var error) && error.ValueKind == JsonValueKind.True;

    public static AIFunctionArguments Arguments(params (string Name, object? Value)[] values)
    {
        var arguments = new AIFunctionArguments();
        foreach (var (name, value) in values)
        {
            // As a model's call arrives: JSON values, not CLR objects.
            arguments[name] = JsonSerializer.SerializeToElement(value);
        }

        return arguments;
    }
}
