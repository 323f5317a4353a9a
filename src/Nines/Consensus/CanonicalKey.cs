using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nines.Consensus;

/// <summary>
/// Canonical answer keys, so that answers that mean the same vote together: JSON with object properties sorted
/// (recursively), numbers in one form (1.50, 1.5 and 15e-1 are equal) and strings trimmed; plain text trimmed with runs of
/// whitespace collapsed.
/// </summary>
internal static class CanonicalKey
{
    public static string ForJson(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = true }))
        {
            Write(writer, element);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Canonical JSON when <paramref name="text"/> is JSON, otherwise the normalised text.</summary>
    public static string ForText(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length > 0 && (trimmed[0] == '{' || trimmed[0] == '['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed.ToString());
                return ForJson(document.RootElement);
            }
            catch (JsonException)
            {
                // Not JSON after all; fall through to text.
            }
        }

        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString()!.Trim());
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(CanonicalNumber(element), skipInputValidation: true);
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static string CanonicalNumber(JsonElement number)
    {
        if (number.TryGetDecimal(out var exact))
        {
            // Dividing by 1.000… drops trailing zeros of the scale: 1.50m becomes 1.5m; -0 becomes 0.
            var normalised = exact / 1.000000000000000000000000000000000m;
            return normalised == 0 ? "0" : normalised.ToString(CultureInfo.InvariantCulture);
        }

        return number.GetDouble().ToString("R", CultureInfo.InvariantCulture);
    }
}
