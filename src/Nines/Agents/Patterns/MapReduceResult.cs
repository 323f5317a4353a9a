namespace Nines.Agents.Patterns;

/// <summary>What a map–reduce produced: the reduced output, every item's outcome, and the report of failures and escalations.</summary>
/// <typeparam name="TItem">The input item type.</typeparam>
/// <typeparam name="TMapped">What one item maps to.</typeparam>
/// <typeparam name="TOutput">What the reduce produced.</typeparam>
public sealed class MapReduceResult<TItem, TMapped, TOutput>
{
    internal MapReduceResult(TOutput output, IReadOnlyList<ItemOutcome<TItem, TMapped>> items, PartialFailureReport report)
    {
        Output = output;
        Items = items;
        Report = report;
    }

    /// <summary>The reduce step's output.</summary>
    public TOutput Output { get; }

    /// <summary>Every item's outcome, in input order.</summary>
    public IReadOnlyList<ItemOutcome<TItem, TMapped>> Items { get; }

    /// <summary>The items that failed or were escalated (the quorum was met, or there would be no result).</summary>
    public PartialFailureReport Report { get; }
}
