namespace Nines.Evals;

/// <summary>What one execution of an eval's journal run shares with the runner: the trial pool (started lazily, at the first
/// step that is not replayed), the trials journaled so far, and the switch that stops the worker.</summary>
internal sealed class EvalJournalSession(EvalRunPlan plan, EvalTrialPool pool, int maxBatch, CancellationToken evalToken) : IDisposable
{
    private readonly bool[] _journaled = new bool[plan.Total];
    private readonly CancellationTokenSource _poolStop = CancellationTokenSource.CreateLinkedTokenSource(evalToken);
    private int _journaledCount;
    private Task? _poolTask;

    public int Total => plan.Total;

    public bool AllJournaled => _journaledCount == plan.Total;

    /// <summary>The pool has ended (finished, stopped or failed) and every row it produced has been taken by a step.</summary>
    public bool PoolStoppedAndDrained => _poolTask is { IsCompleted: true } && pool.Finished!.Reader.Completion.IsCompleted;

    /// <summary>Cancelled by the workflow once it has journaled everything it will, to end the worker.</summary>
    public CancellationTokenSource WorkerStop { get; } = new();

    /// <summary>The pool's task, once started.</summary>
    public Task? PoolTask => _poolTask;

    /// <summary>The next step's rows: waits for at least one finished trial, then takes every one available (up to the cap).
    /// Empty when the pool has ended with nothing left.</summary>
    public async Task<List<EvalTrialResult>> NextBatchAsync(CancellationToken cancellationToken)
    {
        _poolTask ??= Task.Run(() => pool.RunAsync(_poolStop.Token), CancellationToken.None);
        var reader = pool.Finished!.Reader;
        var batch = new List<EvalTrialResult>();
        if (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (batch.Count < maxBatch && reader.TryRead(out var row))
            {
                batch.Add(row);
            }
        }

        return batch;
    }

    /// <summary>Counts a step's rows as journaled; rows replayed from an earlier run are handed to the pool so they are not run again.</summary>
    public void Journaled(IReadOnlyList<EvalTrialResult> batch)
    {
        foreach (var row in batch)
        {
            var index = plan.IndexOf(row);
            if (index < 0 || _journaled[index])
            {
                continue;
            }

            _journaled[index] = true;
            _journaledCount++;
            if (_poolTask is null)
            {
                pool.Accept(row);
            }
        }
    }

    public void StopWorker() => WorkerStop.Cancel();

    /// <summary>Stops the pool (when the run ended another way) and waits for it; returns its exception, if any.</summary>
    public async Task<Exception?> StopPoolAsync()
    {
        if (_poolTask is null)
        {
            return null;
        }

        await _poolStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _poolTask.ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    public void Dispose()
    {
        _poolStop.Dispose();
        WorkerStop.Dispose();
    }
}
