using System.Globalization;
using System.Text;

namespace Nines.Agents.Patterns;

/// <summary>
/// Which items of a fan-out failed and why, which were escalated, and whether the quorum was met. Built from the
/// journal, so a replay after a crash produces the same report.
/// </summary>
public sealed class PartialFailureReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="stage">The fan-out's name (the map or the workers of an orchestration).</param>
    /// <param name="total">Items in all.</param>
    /// <param name="succeeded">Items that succeeded, escalated or not.</param>
    /// <param name="minSuccessRatio">The share of items that had to succeed.</param>
    /// <param name="entries">The items that failed or were escalated, in input order.</param>
    public PartialFailureReport(string stage, int total, int succeeded, double minSuccessRatio, IReadOnlyList<PartialFailureEntry> entries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(succeeded);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(succeeded, total);
        Stage = stage;
        Total = total;
        Succeeded = succeeded;
        MinSuccessRatio = minSuccessRatio;
        Entries = entries;
    }

    /// <summary>The fan-out's name.</summary>
    public string Stage { get; }

    /// <summary>Items in all.</summary>
    public int Total { get; }

    /// <summary>Items that succeeded, escalated or not.</summary>
    public int Succeeded { get; }

    /// <summary>Items that failed.</summary>
    public int Failed => Total - Succeeded;

    /// <summary>Items whose escalated handler ran.</summary>
    public int Escalated => Entries.Count(e => e.Escalated);

    /// <summary>The share of items that had to succeed.</summary>
    public double MinSuccessRatio { get; }

    /// <summary>The share of items that succeeded (1 for no items).</summary>
    public double SuccessRatio => Total == 0 ? 1 : (double)Succeeded / Total;

    /// <summary>True when at least <see cref="MinSuccessRatio"/> of the items succeeded.</summary>
    public bool QuorumMet => SuccessRatio + 1e-12 >= MinSuccessRatio;

    /// <summary>The items that failed or were escalated, in input order.</summary>
    public IReadOnlyList<PartialFailureEntry> Entries { get; }

    /// <summary>The failed items only.</summary>
    public IReadOnlyList<PartialFailureEntry> Failures => [.. Entries.Where(e => !e.Succeeded)];

    /// <summary>A multi-line summary: the count line, then one line per failed or escalated item (errors shortened to 240 characters; <see cref="Entries"/> has them whole).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Stage}: {Succeeded} of {Total} succeeded ({Percent(SuccessRatio)}; {Percent(MinSuccessRatio)} required) — quorum {(QuorumMet ? "met" : "NOT met")}");
        if (Escalated > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {Escalated} escalated");
        }

        foreach (var entry in Entries)
        {
            var verdict = entry.Succeeded ? "ok after escalation" : entry.Escalated ? "FAILED (escalated too)" : "FAILED";
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  [{entry.Index}] {entry.Label}: {verdict}, {entry.Attempts} attempt{(entry.Attempts == 1 ? "" : "s")} — {Shorten(entry.Error)}");
        }

        return text.ToString();
    }

    internal static PartialFailureReport From<TItem, TResult>(string stage, IReadOnlyList<ItemOutcome<TItem, TResult>> outcomes, double minSuccessRatio, Func<TItem, string>? describe) =>
        new(stage, outcomes.Count, outcomes.Count(o => o.Succeeded), minSuccessRatio,
        [
            .. outcomes.Where(o => !o.Succeeded || o.Escalated).Select(o => new PartialFailureEntry(
                o.Index, Label(o.Item, describe), o.Succeeded, o.Attempts, o.Escalated, o.Succeeded ? o.PrimaryError : o.Error)),
        ]);

    private static string Shorten(string? error) =>
        error is null ? "(no error recorded)" : error.Length <= 240 ? error : string.Concat(error.AsSpan(0, 237), "...");

    private static string Percent(double ratio) => (ratio * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Label<TItem>(TItem item, Func<TItem, string>? describe)
    {
        var label = describe is not null ? describe(item) : item?.ToString() ?? "(null)";
        return label.Length <= 60 ? label : string.Concat(label.AsSpan(0, 57), "...");
    }
}
