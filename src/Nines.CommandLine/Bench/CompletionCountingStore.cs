using Nines.Workflows.Storage;

namespace Nines.CommandLine.Bench;

/// <summary>
/// Passes everything to the real store and completes <see cref="AllCompleted"/> once <see cref="Expected"/> runs
/// were completed through it, so the bench stops its worker at the moment the last run is durable, without polling
/// the store (which would compete with the writes it measures).
/// </summary>
internal sealed class CompletionCountingStore(IWorkflowStore inner) : DelegatingWorkflowStore(inner, ownsInner: false)
{
    private TaskCompletionSource _allCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected;
    private int _completed;

    /// <summary>Completes when <see cref="Expected"/> completions have been written since <see cref="Reset"/>.</summary>
    public Task AllCompleted => _allCompleted.Task;

    public int Expected => _expected;

    /// <summary>Starts counting afresh toward <paramref name="expected"/> completions.</summary>
    public void Reset(int expected)
    {
        _expected = expected;
        _completed = 0;
        _allCompleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public override async Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default)
    {
        await InnerStore.CompleteRunAsync(lease, completion, cancellationToken).ConfigureAwait(false);
        if (Interlocked.Increment(ref _completed) == _expected)
        {
            _allCompleted.TrySetResult();
        }
    }
}
