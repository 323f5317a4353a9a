namespace Nines.Workflows.Storage;

/// <summary>A run a worker claimed.</summary>
/// <param name="Run">The run after the claim (status running, the new epoch).</param>
/// <param name="Lease">The lease to carry on every write.</param>
/// <param name="TakenOver">True when the run was running under another lease that had expired.</param>
public sealed record WorkflowClaim(WorkflowRun Run, WorkflowLease Lease, bool TakenOver);
