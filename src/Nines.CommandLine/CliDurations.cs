using System.Globalization;

namespace Nines.CommandLine;

/// <summary>Durations on the command line: a whole number and a unit, <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>.</summary>
internal static class CliDurations
{
    public const string Examples = "30d (days), 12h (hours), 90m (minutes) or 45s (seconds)";

    /// <summary>Parses a duration.</summary>
    /// <exception cref="CliUsageException">The text is not a positive whole number followed by d, h, m or s.</exception>
    public static TimeSpan Parse(string text, string optionName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount > 0)
        {
            TimeSpan? duration = char.ToLowerInvariant(trimmed[^1]) switch
            {
                'd' when amount <= 100_000 => TimeSpan.FromDays(amount),
                'h' when amount <= 2_400_000 => TimeSpan.FromHours(amount),
                'm' when amount <= 144_000_000 => TimeSpan.FromMinutes(amount),
                's' when amount <= 8_640_000_000 => TimeSpan.FromSeconds(amount),
                _ => null,
            };
            if (duration is { } value)
            {
                return value;
            }
        }

        throw new CliUsageException($"{optionName} expects a duration such as {Examples} (got '{text}').");
    }
}
