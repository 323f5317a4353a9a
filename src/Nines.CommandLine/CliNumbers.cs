using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Nines.CommandLine;

/// <summary>
/// Number options that read the same on every machine: invariant culture (0.95, never 0,95) and an optional
/// percent sign (0.22% is 0.0022), so <c>--per-step-error 0.22%</c> and <c>--per-step-error 0.0022</c> agree.
/// </summary>
internal static class CliNumbers
{
    /// <summary>A <see cref="double"/> option that is null when not given.</summary>
    public static Option<double?> DoubleOption(string name, string description, string helpName) =>
        new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => Parse(result, name),
        };

    public static bool TryParse(string text, out double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var percent = trimmed.EndsWith('%');
        if (percent)
        {
            trimmed = trimmed[..^1];
        }

        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return false;
        }

        if (percent)
        {
            value /= 100;
        }

        return true;
    }

    private static double? Parse(ArgumentResult result, string name)
    {
        var token = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
        if (TryParse(token, out var value))
        {
            return value;
        }

        result.AddError($"{name} expects a number such as 0.95 or 95% (got '{token}')");
        return null;
    }
}
