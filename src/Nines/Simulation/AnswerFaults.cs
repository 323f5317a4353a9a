using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nines.Simulation;

/// <summary>
/// Turns a good answer into the bad answers real models give: wrong-but-valid, malformed JSON, truncated, refused.
/// Shared by simulated models and chaos injection so both fail the same way.
/// </summary>
internal static class AnswerFaults
{
    private static readonly string[] _refusals =
    [
        "I'm sorry, but I can't help with that request.",
        "I can't assist with that.",
        "I'm unable to provide that information.",
        "Sorry, I cannot comply with this request.",
    ];

    public static bool IsJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static string Refusal(Random random) => _refusals[random.Next(_refusals.Length)];

    /// <summary>Cuts <paramref name="text"/> to 30–90% of its length (always at least one character shorter).</summary>
    public static string Truncate(string text, Random random)
    {
        if (text.Length <= 1)
        {
            return string.Empty;
        }

        var keep = (int)(text.Length * (0.3 + (0.6 * random.NextDouble())));
        return text[..Math.Clamp(keep, 1, text.Length - 1)];
    }

    /// <summary>Corrupts <paramref name="text"/> so that it no longer parses as JSON.</summary>
    public static string Malform(string text, Random random)
    {
        if (!IsJson(text))
        {
            // Not JSON to begin with: answer with JSON that was started but never finished.
            return "{\"answer\": \"" + text;
        }

        var trimmed = text.TrimEnd();
        string candidate;
        switch (random.Next(3))
        {
            case 0 when trimmed.EndsWith('}') || trimmed.EndsWith(']'):
                candidate = string.Concat(trimmed.AsSpan(0, trimmed.Length - 1), ",", trimmed.AsSpan(trimmed.Length - 1));
                break;
            case 1 when trimmed.Contains('"', StringComparison.Ordinal):
                var quote = trimmed.IndexOf('"', StringComparison.Ordinal);
                candidate = trimmed.Remove(quote, 1);
                break;
            case 2 when trimmed.Contains('"', StringComparison.Ordinal):
                candidate = trimmed.Replace('"', '\'');
                break;
            default:
                candidate = "Here is the JSON:\n" + trimmed + "\n}";
                break;
        }

        return IsJson(candidate) ? "{" + trimmed : candidate;
    }

    /// <summary>Changes one leaf value of the JSON in <paramref name="text"/> (or one digit or letter of plain text) so the answer stays well formed but is wrong.</summary>
    public static string MakeWrong(string text, Random random)
    {
        JsonNode? root;
        try
        {
            root = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            root = null;
        }

        if (root is null)
        {
            return PerturbText(text, random);
        }

        var leaves = new List<JsonValue>();
        CollectLeaves(root, leaves);
        if (leaves.Count == 0)
        {
            // Nothing to change (an empty object or array): answer with a different, still valid, shape.
            return root is JsonArray ? "[null]" : "{\"answer\":null}";
        }

        var leaf = leaves[random.Next(leaves.Count)];
        var replacement = PerturbLeaf(leaf, random);
        if (leaf.Parent is null)
        {
            return replacement.ToJsonString();
        }

        ReplaceNode(leaf, replacement);
        return root.ToJsonString();
    }

    private static void CollectLeaves(JsonNode node, List<JsonValue> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        CollectLeaves(child, leaves);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        CollectLeaves(child, leaves);
                    }
                }

                break;
            case JsonValue value:
                leaves.Add(value);
                break;
        }
    }

    private static void ReplaceNode(JsonNode node, JsonNode replacement)
    {
        switch (node.Parent)
        {
            case JsonObject obj:
                obj[node.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[node.GetElementIndex()] = replacement;
                break;
        }
    }

    private static JsonNode PerturbLeaf(JsonValue leaf, Random random)
    {
        switch (leaf.GetValueKind())
        {
            case JsonValueKind.True:
                return JsonValue.Create(false);
            case JsonValueKind.False:
                return JsonValue.Create(true);
            case JsonValueKind.Number:
                return PerturbNumber(leaf.ToJsonString(), random);
            case JsonValueKind.String:
                return JsonValue.Create(PerturbText(leaf.GetValue<string>(), random));
            default:
                return JsonValue.Create(0);
        }
    }

    private static JsonValue PerturbNumber(string raw, Random random)
    {
        var delta = random.Next(1, 10) * (random.Next(2) == 0 ? -1 : 1);
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            var changed = whole + delta;
            if (whole >= 0 && changed < 0)
            {
                changed = whole - delta;
            }

            return JsonValue.Create(changed);
        }

        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            var scale = number.Scale;
            var changed = Math.Round(number * (1 + (delta / 100m)), scale);
            if (changed == number)
            {
                changed = number + (delta > 0 ? 1 : -1) * (1m / (decimal)Math.Pow(10, scale));
            }

            return JsonValue.Create(changed);
        }

        return JsonValue.Create(random.Next(1, 100));
    }

    private static string PerturbText(string text, Random random)
    {
        if (text.Length == 0)
        {
            return "n/a";
        }

        var digits = new List<int>();
        var letters = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                digits.Add(i);
            }
            else if (char.IsAsciiLetter(text[i]))
            {
                letters.Add(i);
            }
        }

        var builder = new StringBuilder(text);
        if (digits.Count > 0)
        {
            var at = digits[random.Next(digits.Count)];
            var old = text[at] - '0';
            builder[at] = (char)('0' + ((old + random.Next(1, 10)) % 10));
        }
        else if (letters.Count > 0)
        {
            var at = letters[random.Next(letters.Count)];
            var baseChar = char.IsAsciiLetterUpper(text[at]) ? 'A' : 'a';
            var old = text[at] - baseChar;
            builder[at] = (char)(baseChar + ((old + random.Next(1, 26)) % 26));
        }
        else
        {
            builder.Append(" (unsure)");
        }

        return builder.ToString();
    }
}
