using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Json.Pointer;
using Json.Schema;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Contracts;

/// <summary>
/// Classifies one model reply without re-asking: refusal, truncation, empty output, malformed JSON (after tolerated fence
/// stripping) and JSON schema violations. Shared by <see cref="Contract{T}"/>, the contracts middleware and consensus.
/// </summary>
internal static class ReplyInspector
{
    private static readonly EvaluationOptions _listOutput = new() { OutputFormat = OutputFormat.List };
    private static readonly ConcurrentDictionary<string, CompiledSchema> _schemas = new(StringComparer.Ordinal);

    /// <summary>Checks what every reply must satisfy, JSON or not: no refusal, not truncated, not empty.</summary>
    /// <returns><see cref="FailureCategory.None"/> when the envelope is fine.</returns>
    public static FailureCategory CheckEnvelope(ChatResponse response, string text, bool expectJson, IReadOnlyList<string> refusalPhrases, out string? error)
    {
        if (response.FinishReason == ChatFinishReason.ContentFilter)
        {
            error = "The provider's content filter stopped the reply (finish reason 'content_filter').";
            return FailureCategory.Refusal;
        }

        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is ErrorContent err && string.Equals(err.ErrorCode, "refusal", StringComparison.OrdinalIgnoreCase))
                {
                    error = $"The model refused: {err.Message}";
                    return FailureCategory.Refusal;
                }
            }
        }

        if (response.FinishReason == ChatFinishReason.Length)
        {
            error = $"The reply was cut off at the output token limit (finish reason 'length') after {text.Length} characters; it must be complete.";
            return FailureCategory.Truncated;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The reply was empty.";
            return FailureCategory.EmptyOutput;
        }

        // A JSON reply that does not parse is checked for refusal phrases later (only then is it a refusal); a plain-text
        // reply is a refusal only when it opens with one, so "I'm sorry to hear that" in the middle of an answer is fine.
        if (!expectJson && StartsWithRefusal(text, refusalPhrases, anywhereInOpening: false))
        {
            error = $"The model refused: \"{Shorten(text, 160)}\"";
            return FailureCategory.Refusal;
        }

        error = null;
        return FailureCategory.None;
    }

    /// <summary>Finds the JSON in <paramref name="text"/>, stripping one layer of Markdown code fences if needed.</summary>
    /// <returns>The JSON text to parse; <paramref name="repaired"/> says whether fences were stripped.</returns>
    public static string StripFences(string text, out bool repaired)
    {
        var trimmed = text.AsSpan().Trim();
        repaired = false;
        if (trimmed.Length > 0 && (trimmed[0] == '{' || trimmed[0] == '['))
        {
            return trimmed.Length == text.Length ? text : trimmed.ToString();
        }

        var open = trimmed.IndexOf("```", StringComparison.Ordinal);
        if (open < 0)
        {
            return trimmed.ToString();
        }

        var afterOpen = trimmed[(open + 3)..];
        var lineEnd = afterOpen.IndexOf('\n');
        if (lineEnd < 0)
        {
            return trimmed.ToString();
        }

        // The info string ("json", "JSON", nothing) ends at the first newline.
        var body = afterOpen[(lineEnd + 1)..];
        var close = body.IndexOf("```", StringComparison.Ordinal);
        if (close >= 0)
        {
            body = body[..close];
        }

        repaired = true;
        return body.Trim().ToString();
    }

    /// <summary>Parses <paramref name="json"/>; on failure classifies it as a refusal or malformed JSON.</summary>
    public static JsonDocument? TryParse(string json, string rawText, IReadOnlyList<string> refusalPhrases, out FailureCategory category, out string? error)
    {
        try
        {
            var doc = JsonDocument.Parse(json);
            category = FailureCategory.None;
            error = null;
            return doc;
        }
        catch (JsonException ex)
        {
            if (StartsWithRefusal(rawText, refusalPhrases, anywhereInOpening: true))
            {
                category = FailureCategory.Refusal;
                error = $"The model refused instead of answering in JSON: \"{Shorten(rawText, 160)}\"";
            }
            else
            {
                category = FailureCategory.MalformedJson;
                error = $"The reply is not valid JSON ({ex.Message}). It began: \"{Shorten(rawText, 80)}\"";
            }

            return null;
        }
    }

    /// <summary>Validates <paramref name="instance"/> against <paramref name="schema"/>, one message per failing location.</summary>
    public static void Validate(CompiledSchema schema, JsonElement instance, List<string> errors)
    {
        if (schema.Fast?.IsValid(instance) == true)
        {
            return;
        }

        var results = schema.Full.Evaluate(instance, _listOutput);
        if (results.IsValid)
        {
            return;
        }

        CollectErrors(results, errors);
        if (errors.Count == 0)
        {
            errors.Add("$: the reply does not match the JSON schema.");
        }
    }

    /// <summary>Returns the compiled form of a schema, cached by its text so each distinct schema is built once.</summary>
    public static CompiledSchema GetCompiledSchema(JsonElement schema)
    {
        var text = schema.GetRawText();
        if (_schemas.TryGetValue(text, out var compiled))
        {
            return compiled;
        }

        if (_schemas.Count >= ContractsConstants.MaxCachedSchemas)
        {
            // Callers that build a new schema per call would otherwise grow the cache without bound.
            _schemas.Clear();
        }

        compiled = CompiledSchema.Create(schema);
        return _schemas.GetOrAdd(text, compiled);
    }

    /// <summary>Turns a JSON pointer such as <c>/lines/1/amount</c> into a JSON path such as <c>$.lines[1].amount</c>.</summary>
    public static string ToJsonPath(JsonPointer pointer)
    {
        var text = pointer.ToString();
        if (text.Length == 0 || text == "/")
        {
            return "$";
        }

        var builder = new StringBuilder("$");
        foreach (var raw in text.Split('/', StringSplitOptions.None).Skip(1))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (segment.Length > 0 && segment.All(char.IsAsciiDigit))
            {
                builder.Append('[').Append(segment).Append(']');
            }
            else
            {
                builder.Append('.').Append(segment);
            }
        }

        return builder.ToString();
    }

    public static string Shorten(string text, int max)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= max ? oneLine : string.Concat(oneLine.AsSpan(0, max), "…");
    }

    private static void CollectErrors(EvaluationResults node, List<string> errors)
    {
        if (node.Errors is { Count: > 0 } nodeErrors)
        {
            var path = ToJsonPath(node.InstanceLocation);
            foreach (var (keyword, message) in nodeErrors)
            {
                var line = $"{path}: {message} (schema keyword '{keyword}' at {node.EvaluationPath})";
                if (!errors.Contains(line))
                {
                    errors.Add(line);
                }
            }
        }

        if (node.Details is { } details)
        {
            foreach (var child in details)
            {
                CollectErrors(child, errors);
            }
        }
    }

    private static bool StartsWithRefusal(string text, IReadOnlyList<string> phrases, bool anywhereInOpening)
    {
        var opening = text.AsSpan().TrimStart();
        if (opening.Length > 300)
        {
            opening = opening[..300];
        }

        var normalised = opening.ToString().Replace('\u2019', '\'').ToLowerInvariant();
        foreach (var phrase in phrases)
        {
            var found = anywhereInOpening
                ? normalised.Contains(phrase, StringComparison.Ordinal)
                : normalised.StartsWith(phrase, StringComparison.Ordinal);
            if (found)
            {
                return true;
            }
        }

        return false;
    }
}
