namespace Nines.Workflows.Storage;

/// <summary>A worker's claim on a run: every fenced write carries it and fails once another claim has a newer epoch.</summary>
/// <param name="RunId">The run claimed.</param>
/// <param name="Owner">The claiming worker's id.</param>
/// <param name="Epoch">The epoch the claim set; the store rejects writes with any other.</param>
public sealed record WorkflowLease(string RunId, string Owner, long Epoch);
