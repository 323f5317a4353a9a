namespace Nines.Workflows;

/// <summary>What a map produced: every item's outcome, in input order.</summary>
/// <typeparam name="TResult">The item result type.</typeparam>
public sealed class MapResult<TResult>
{
    internal MapResult(IReadOnlyList<MapItemResult<TResult>> items)
    {
        Items = items;
    }

    /// <summary>Every item's outcome, in input order.</summary>
    public IReadOnlyList<MapItemResult<TResult>> Items { get; }

    /// <summary>The values of the items that succeeded, in input order.</summary>
    public IReadOnlyList<TResult> Values => [.. Items.Where(i => i.Succeeded).Select(i => i.Value!)];

    /// <summary>The items that failed.</summary>
    public IReadOnlyList<MapItemResult<TResult>> Failures => [.. Items.Where(i => !i.Succeeded)];

    /// <summary>The share of items that succeeded (1 for an empty map).</summary>
    public double SuccessRatio => Items.Count == 0 ? 1 : (double)Items.Count(i => i.Succeeded) / Items.Count;
}
