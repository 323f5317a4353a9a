namespace Nines.Agents.Patterns;

/// <summary>One line of a <see cref="PartialFailureReport"/>: an item that failed or needed escalation.</summary>
/// <param name="Index">The item's position in the input (or in the plan).</param>
/// <param name="Label">A short description of the item, from the pattern's <c>Describe</c> option.</param>
/// <param name="Succeeded">True when the item succeeded (after escalation); false when it failed.</param>
/// <param name="Attempts">How many times a handler ran for the item.</param>
/// <param name="Escalated">True when the escalated handler ran.</param>
/// <param name="Error">Why it failed, or, for an escalated success, why the primary failed.</param>
public sealed record PartialFailureEntry(int Index, string Label, bool Succeeded, int Attempts, bool Escalated, string? Error);
