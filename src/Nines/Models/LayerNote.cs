namespace Nines.Models;

/// <summary>One layer's note about what it did for a call.</summary>
/// <param name="Layer">The layer's short name, such as <c>resilience</c> or <c>chaos</c>.</param>
/// <param name="Note">What it did.</param>
public sealed record LayerNote(string Layer, string Note);
