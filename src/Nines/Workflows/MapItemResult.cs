namespace Nines.Workflows;

/// <summary>The outcome of one item of a map.</summary>
/// <typeparam name="TResult">The item result type.</typeparam>
/// <param name="Index">The item's index in the input list.</param>
/// <param name="Succeeded">True when the item produced a value.</param>
/// <param name="Value">The value when it succeeded.</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record MapItemResult<TResult>(int Index, bool Succeeded, TResult? Value, string? Error);
