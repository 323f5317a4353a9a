using System.Threading.Channels;
using Npgsql;

namespace Nines.Workflows.Storage;

/// <summary>
/// Group commit for journal writes: step saves of different runs that arrive while a commit is in flight are sent
/// together as one batch in one implicit transaction, so many runs pay for one round trip and one WAL flush.
/// </summary>
/// <remarks>
/// Each save stays fenced on its own: its statement writes nothing and reports "not held" when its lease is lost,
/// without failing the others. If a batch fails as a whole (a deadlock, a bad value), every save in it is retried
/// alone so one caller's error never becomes another's. A lone save is sent at once, so a single run's step
/// latency is that of one statement.
/// </remarks>
internal sealed class PostgreSqlStepWriter : IAsyncDisposable
{
    private const int MaxBatch = 64;
    private const int Writers = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<PendingSave> _queue = Channel.CreateUnbounded<PendingSave>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _writers;
    private int _directWriter;

    public PostgreSqlStepWriter(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <summary>Queues a fenced save; completes with whether the lease was held (and so the steps written).</summary>
    /// <param name="sql">The fenced statement; it affects no rows when the lease is lost.</param>
    /// <param name="bind">Adds the statement's parameters to a command (called again if the save is retried alone).</param>
    /// <param name="cancellationToken">Cancels the save while it waits in the queue.</param>
    public Task<bool> SaveAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        // Nothing queued and no one else writing directly: send it from this thread, sparing the hand-off to a
        // writer and back (two thread hops on a lone run's every step). Saves that arrive meanwhile queue up and
        // are grouped by the writers as before.
        if (_queue.Reader.Count == 0 && Interlocked.CompareExchange(ref _directWriter, 1, 0) == 0)
        {
            return SaveDirectAsync(sql, bind);
        }

        var pending = new PendingSave(sql, bind, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgreSqlWorkflowStore));
        }

        return pending.Done.Task;
    }

    private async Task<bool> SaveDirectAsync(string sql, Action<NpgsqlParameterCollection> bind)
    {
        try
        {
            var pending = new PendingSave(sql, bind, new TaskCompletionSource<bool>(), CancellationToken.None);
            await ExecuteAsync([pending]).ConfigureAwait(false);
            return await pending.Done.Task.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _directWriter, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingSave>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Done.TrySetCanceled(pending.CancellationToken);
                }
                else
                {
                    batch.Add(pending);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await ExecuteAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every failure goes back to the callers it belongs to; the loop must keep serving the rest.
            catch (Exception ex)
            {
                if (batch.Count == 1)
                {
                    batch[0].Done.TrySetException(ex);
                    continue;
                }

                foreach (var pending in batch)
                {
                    try
                    {
                        await ExecuteAsync([pending]).ConfigureAwait(false);
                    }
                    catch (Exception single)
                    {
                        pending.Done.TrySetException(single);
                    }
                }
            }
#pragma warning restore CA1031
        }
    }

    private async Task ExecuteAsync(IReadOnlyList<PendingSave> saves)
    {
        var held = new bool[saves.Count];

        // Without an explicit transaction Npgsql sends the whole batch before one Sync: PostgreSQL runs it as one
        // implicit transaction, so it commits (and flushes the WAL) once, all or nothing.
        using (var batch = _dataSource.CreateBatch())
        {
            foreach (var save in saves)
            {
                var command = new NpgsqlBatchCommand(save.Sql);
                save.Bind(command.Parameters);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < saves.Count; i++)
            {
                held[i] = batch.BatchCommands[i].RecordsAffected > 0;
            }
        }

        for (var i = 0; i < saves.Count; i++)
        {
            saves[i].Done.TrySetResult(held[i]);
        }
    }

    private sealed record PendingSave(string Sql, Action<NpgsqlParameterCollection> Bind, TaskCompletionSource<bool> Done, CancellationToken CancellationToken);
}
