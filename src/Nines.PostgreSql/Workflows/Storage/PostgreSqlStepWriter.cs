using System.Data;
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
/// alone so one caller's error never becomes another's. A lone save is sent at once, on a connection the writer
/// keeps open for it, so a single run's step latency is that of one statement.
/// </remarks>
internal sealed class PostgreSqlStepWriter : IAsyncDisposable
{
    private const int MaxBatch = 64;
    private const int Writers = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxIdle;
    private readonly TimeSpan _maxAge;
    private readonly Channel<PendingSave> _queue = Channel.CreateUnbounded<PendingSave>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _writers;

    // Held by the one save that goes out directly, so it alone uses _direct; DisposeAsync takes it for good.
    private readonly SemaphoreSlim _directTurn = new(1, 1);
    private NpgsqlConnection? _direct;
    private long _directOpened;
    private long _directUsed;
    private volatile bool _disposed;

    /// <summary>Starts the writers.</summary>
    /// <param name="dataSource">Where connections come from.</param>
    /// <param name="time">Times how long the direct connection has been idle.</param>
    /// <param name="maxIdle">The direct connection is closed (given back to the pool) after this long unused, as the pool would close an idle connection.</param>
    /// <param name="maxAge">The direct connection is replaced once this old; zero for never (the pool's <c>Connection Lifetime</c>).</param>
    public PostgreSqlStepWriter(NpgsqlDataSource dataSource, TimeProvider time, TimeSpan maxIdle, TimeSpan maxAge)
    {
        _dataSource = dataSource;
        _time = time;
        _maxIdle = maxIdle;
        _maxAge = maxAge;
        _writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <summary>Queues a fenced save; completes with whether the lease was held (and so the steps written).</summary>
    /// <param name="sql">The fenced statement; it affects no rows when the lease is lost.</param>
    /// <param name="bind">Adds the statement's parameters to a command (called again if the save is retried alone).</param>
    /// <param name="cancellationToken">Cancels the save while it waits in the queue.</param>
    public Task<bool> SaveAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(PostgreSqlWorkflowStore));

        // Nothing queued and no one else writing directly: send it from this thread, sparing the hand-off to a
        // writer and back (two thread hops on a lone run's every step). Saves that arrive meanwhile queue up and
        // are grouped by the writers as before.
        if (_queue.Reader.Count == 0 && _directTurn.Wait(0))
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
            // One connection kept for lone saves rather than one rented per save: Npgsql's pool queues its idle
            // connections first in, first out, so after a busy spell a lone run's saves would go round every backend
            // it opened (measured with ten idle: 1.44-1.80x the bare INSERT's latency against 1.20-1.25x here).
            var connection = await DirectConnectionAsync().ConfigureAwait(false);
            try
            {
                using var command = new NpgsqlCommand(sql, connection);
                bind(command.Parameters);
                var held = await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) > 0;
                _directUsed = _time.GetTimestamp();
                return held;
            }
            catch when (connection.FullState != ConnectionState.Open)
            {
                // Broken (server restart, network, timeout): the next lone save opens another one.
                await CloseDirectAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _directTurn.Release();
        }
    }

    private async ValueTask<NpgsqlConnection> DirectConnectionAsync()
    {
        if (_direct is { } open)
        {
            // Mirror the pool: a connection idle past its idle lifetime may have been dropped by a firewall or the
            // server, and one past its lifetime is due for replacement.
            var idleTooLong = _time.GetElapsedTime(_directUsed) >= _maxIdle;
            var tooOld = _maxAge > TimeSpan.Zero && _time.GetElapsedTime(_directOpened) >= _maxAge;
            if (!idleTooLong && !tooOld)
            {
                return open;
            }

            await CloseDirectAsync().ConfigureAwait(false);
        }

        var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        _direct = connection;
        _directOpened = _directUsed = _time.GetTimestamp();
        return connection;
    }

    private async ValueTask CloseDirectAsync()
    {
        if (_direct is { } connection)
        {
            _direct = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // Wait for a lone save in flight, then keep the turn: no save goes out directly any more.
        await _directTurn.WaitAsync().ConfigureAwait(false);
        await CloseDirectAsync().ConfigureAwait(false);
        _directTurn.Dispose();
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
