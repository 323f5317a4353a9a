namespace Nines.Workflows;

/// <summary>The outcome of one item of a map.</summary>
/// <typeparam name="TResult">The item result type.</typeparam>
/// <param name="Index">The item's index in the input list.</param>
/// <param name="Succeeded">True when the item produced a value.</param>
/// <param name="Value">The value when it succeeded.</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record MapItemResult<TResult>(int Index, bool Succeeded, TResult? Value, string? Error)
{
    /// <summary>How many times a handler ran for the item: the primary's attempts (retries included) plus one when escalated.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>True when the primary handler failed after its retries and the escalated handler ran (whether or not it succeeded).</summary>
    public bool Escalated { get; init; }

    /// <summary>Why the primary handler failed, for an item that then succeeded escalated; null otherwise.</summary>
    public string? PrimaryError { get; init; }
}
