using Nines.Workflows.Storage;

namespace Nines.Evals;

/// <summary>
/// Lets the eval's private worker claim only its own run. The store may hold other evals' runs (the same workflow name,
/// other suites or seeds) whose trials this process cannot run; those are given straight back. A run someone asked to
/// cancel is kept: the engine ends it as cancelled without running any of it.
/// </summary>
internal sealed class EvalRunClaimFilter(IWorkflowStore inner, string runId) : DelegatingWorkflowStore(inner, ownsInner: false)
{
    public override async Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default)
    {
        // The worker asks again after every execution; once the eval stopped it, there is nothing more for it.
        cancellationToken.ThrowIfCancellationRequested();
        var claims = await InnerStore.ClaimRunsAsync(request, cancellationToken).ConfigureAwait(false);
        var kept = new List<WorkflowClaim>(claims.Count);
        foreach (var claim in claims)
        {
            if (claim.Run.RunId == runId || claim.Run.CancelRequested)
            {
                kept.Add(claim);
            }
            else
            {
                await InnerStore.ReleaseLeaseAsync(claim.Lease, request.Now, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return kept;
    }
}
