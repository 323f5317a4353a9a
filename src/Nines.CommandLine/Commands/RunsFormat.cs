using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nines.CommandLine.Commands;

/// <summary>How the <c>runs</c> commands write runs: times, shortened payloads, JSON.</summary>
internal static class RunsFormat
{
    /// <summary>Indented camelCase JSON with enums as names (<c>"status": "completed"</c>) for <c>--json</c>.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>One object per line, for <c>--archive</c> files (JSON Lines).</summary>
    public static readonly JsonSerializerOptions JsonLineOptions = new(JsonOptions) { WriteIndented = false };

    /// <summary>UTC, to the second: <c>2026-01-05 09:00:00</c>.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    public static string Status<T>(T status)
        where T : struct, Enum => status.ToString().ToLowerInvariant();

    /// <summary>One line of at most <paramref name="max"/> characters, with … when cut.</summary>
    public static string Shorten(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var oneLine = NinesCommandLine.OneLine(text);
        return oneLine.Length <= max ? oneLine : oneLine[..(max - 1)] + "…";
    }

    /// <summary>A duration for a person: &lt;1 ms, 12 ms, 4.2 s, 3 min 5 s, 2 h 10 min.</summary>
    /// <remarks>Stores keep times to the millisecond, so nothing finer is shown.</remarks>
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 1 } => "<1 ms",
        { TotalSeconds: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.#} ms"),
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#} s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds} s"),
        { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalDays} d {duration.Hours} h"),
    };

    public static int Utf8Bytes(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}
