using System.Globalization;

namespace Nines.Evals;

/// <summary>How the reports print figures: invariant culture, percentages with enough digits to see the failure rate, "inf" nines.</summary>
internal static class EvalReportFormat
{
    private static CultureInfo Invariant => CultureInfo.InvariantCulture;

    /// <summary>A rate as a percentage with two decimals, or more when the failure rate needs them (99.9978%); 100% only when exact.</summary>
    public static string Percent(double rate)
    {
        if (rate >= 1)
        {
            return "100%";
        }

        if (rate <= 0)
        {
            return "0%";
        }

        var failure = 1 - rate;
        var decimals = (int)Math.Clamp(Math.Ceiling(-Math.Log10(failure * 100)) + 1, 2, 8);
        var text = (rate * 100).ToString("F" + decimals.ToString(Invariant), Invariant);
        return (text.StartsWith("100", StringComparison.Ordinal) ? "~100" : text) + "%";
    }

    /// <summary>Nines to two decimals, or "inf" when nothing failed.</summary>
    public static string Nines(double nines) => double.IsFinite(nines) ? nines.ToString("F2", Invariant) : "inf";

    /// <summary>Milliseconds: "412 ms", "1.25 s" from a second up.</summary>
    public static string Milliseconds(double ms) =>
        ms >= 1000 ? (ms / 1000).ToString("0.00", Invariant) + " s" : ms.ToString(ms >= 10 ? "0" : "0.0", Invariant) + " ms";

    /// <summary>Dollars: four significant digits below a dollar ($0.01234), cents above ($12.35), whole dollars from $1,000.</summary>
    public static string Dollars(double usd) => "$" + usd.ToString(usd >= 1000 ? "N0" : usd >= 1 ? "N2" : "G4", Invariant);

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long count) => count.ToString("N0", Invariant);

    /// <summary>A plain number with up to four significant digits.</summary>
    public static string Number(double value) => value.ToString("G4", Invariant);

    /// <summary>The k to show pass^k for in tables: 1, 2, 4, 8, … up to n, and n itself, at most <paramref name="max"/> values (1 dropped first).</summary>
    public static IReadOnlyList<int> DisplayKs(int trialsPerCase, int max = 5)
    {
        var ks = new List<int>();
        for (var k = 1; k <= trialsPerCase; k *= 2)
        {
            ks.Add(k);
        }

        if (trialsPerCase >= 1 && ks[^1] != trialsPerCase)
        {
            ks.Add(trialsPerCase);
        }

        while (ks.Count > max)
        {
            ks.RemoveAt(ks.Count > 2 ? ks.Count - 2 : 0);
        }

        return ks;
    }
}
