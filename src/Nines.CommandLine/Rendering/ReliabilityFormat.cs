using System.Globalization;

namespace Nines.CommandLine.Rendering;

/// <summary>
/// How <c>nines</c> prints probabilities, error rates and nines: invariant culture, enough digits to see the
/// last nine, and no "100%" for something that can still fail.
/// </summary>
internal static class ReliabilityFormat
{
    internal static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// A success probability as a percentage with enough decimals to show two significant digits of the
    /// failure rate (99.9978%, 98.9%); tiny values in scientific notation from their log10 (2.0e-1002%), which
    /// works even below the smallest <see cref="double"/>.
    /// </summary>
    /// <param name="success">The success probability.</param>
    /// <param name="failure">The failure probability, computed without subtracting from 1.</param>
    /// <param name="log10Success">log10 of <paramref name="success"/>, for values too small for a double; null to use <paramref name="success"/>.</param>
    public static string Percent(double success, double failure, double? log10Success = null)
    {
        if (failure <= 0)
        {
            return "100%";
        }

        if (success >= 1e-4)
        {
            // Two significant digits of whichever side is small: the failure near 100%, the success near 0%.
            var forFailure = Math.Ceiling(-Math.Log10(failure * 100)) + 1;
            var forSuccess = Math.Ceiling(-Math.Log10(success * 100)) + 1;
            var decimals = (int)Math.Clamp(Math.Max(forFailure, forSuccess), 1, 12);
            var text = (success * 100).ToString("F" + decimals.ToString(Invariant), Invariant);
            return text.StartsWith("100.", StringComparison.Ordinal) ? "~100%" : text + "%";
        }

        var log10 = log10Success ?? (success > 0 ? Math.Log10(success) : double.NegativeInfinity);
        if (double.IsNegativeInfinity(log10))
        {
            return "0%";
        }

        // As a percentage: 10^(log10 + 2) = m·10^e.
        var log10Percent = log10 + 2;
        var exponent = Math.Floor(log10Percent);
        var mantissa = Math.Pow(10, log10Percent - exponent);
        if (mantissa >= 9.95)
        {
            mantissa = 1;
            exponent++;
        }

        return string.Create(Invariant, $"{mantissa:0.0}e{exponent:+0;-0}%");
    }

    /// <summary>An error rate in scientific notation (2.2e-03), or 0.</summary>
    public static string Rate(double rate) => rate == 0 ? "0" : rate.ToString("0.0e+00", Invariant);

    /// <summary>Nines to two decimals, or "inf" for a rate that cannot fail.</summary>
    public static string Nines(double? nines) => nines is { } value && double.IsFinite(value) ? value.ToString("F2", Invariant) : "inf";

    /// <summary>A count with thousands separators: 1,048,575.</summary>
    public static string Count(long count) => count.ToString("N0", Invariant);

    /// <summary>A plain number with up to <paramref name="digits"/> significant digits: 0.9978, 95.</summary>
    public static string Number(double value, int digits = 10) => value.ToString("G" + digits.ToString(Invariant), Invariant);
}
