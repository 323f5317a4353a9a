namespace Nines.Agents.Patterns;

/// <summary>What happened to one item of a map–reduce or one subtask of an orchestration.</summary>
/// <typeparam name="TItem">The item (or subtask) type.</typeparam>
/// <typeparam name="TResult">The result type of one item.</typeparam>
/// <param name="Index">The item's position in the input (or in the plan).</param>
/// <param name="Item">The item itself.</param>
/// <param name="Succeeded">True when the item produced a value.</param>
/// <param name="Value">The value when it succeeded.</param>
/// <param name="Error">Why it failed, when it did; for an escalated failure it names both the escalated and the primary failure.</param>
public sealed record ItemOutcome<TItem, TResult>(int Index, TItem Item, bool Succeeded, TResult? Value, string? Error)
{
    /// <summary>How many times a handler ran: the primary's attempts (retries included), plus one when escalated.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>True when the primary handler failed after its retries and the escalated handler ran.</summary>
    public bool Escalated { get; init; }

    /// <summary>Why the primary failed, for an item that then succeeded escalated; null otherwise.</summary>
    public string? PrimaryError { get; init; }
}
