namespace Nines.Workflows.Storage;

/// <summary>
/// An in-process, auto-reset "work may be available" signal: a set with waiters releases all of them; a set without
/// waiters is remembered so the next wait returns at once (a write between a worker's empty claim and its wait is not lost).
/// </summary>
internal sealed class WorkAvailableSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;
    private bool _pending;

    public void Set()
    {
        TaskCompletionSource? release = null;
        lock (_gate)
        {
            if (_waiters > 0)
            {
                release = _current;
                _current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters = 0;
            }
            else
            {
                _pending = true;
            }
        }

        release?.TrySetResult();
    }

    public async Task WaitAsync(TimeSpan maxWait, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource waiting;
        lock (_gate)
        {
            if (_pending)
            {
                _pending = false;
                return;
            }

            waiting = _current;
            _waiters++;
        }

        // The delay's timer is cancelled as soon as the signal wins, so a waiter leaves nothing behind.
        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(maxWait, timeProvider, delayCancellation.Token);
        var first = await Task.WhenAny(waiting.Task, delay).ConfigureAwait(false);
        if (first == waiting.Task)
        {
            await delayCancellation.CancelAsync().ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            if (ReferenceEquals(waiting, _current) && _waiters > 0)
            {
                _waiters--;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
