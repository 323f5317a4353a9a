using Npgsql;

namespace Nines.Workflows.Storage;

/// <summary>
/// One long-lived connection that <c>LISTEN</c>s on the store's channel and turns notifications (from any process)
/// and local pulses into wake-ups for <see cref="PostgreSqlWorkflowStore.WaitForWorkAsync"/>.
/// </summary>
/// <remarks>
/// A wake-up is sticky: a notification that arrives while nobody waits completes the next wait at once, so work
/// created between a worker's empty claim and its next wait is never slept through. Started on first use;
/// reconnects after failures and then wakes waiters once, since notifications sent while it was away are lost.
/// </remarks>
internal sealed class PostgreSqlWorkListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly bool _listen;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _reconnectDelay;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _startLock = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _disposed;

    public PostgreSqlWorkListener(NpgsqlDataSource dataSource, string channel, bool listen, TimeProvider timeProvider, TimeSpan reconnectDelay)
    {
        _dataSource = dataSource;
        _channel = channel;
        _listen = listen;
        _timeProvider = timeProvider;
        _reconnectDelay = reconnectDelay;
    }

    /// <summary>Wakes current and next waiters; called after this process committed a write that creates work.</summary>
    public void Pulse() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Starts listening if needed and completes once the first LISTEN succeeded or failed.</summary>
    public Task EnsureListeningAsync(CancellationToken cancellationToken)
    {
        if (!_listen)
        {
            return Task.CompletedTask;
        }

        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            _loop ??= Task.Run(() => ListenLoopAsync(_stop.Token), CancellationToken.None);
        }

        return _ready.Task.WaitAsync(cancellationToken);
    }

    public async Task WaitAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(maxWait, _timeProvider, timeout.Token);

        // The first wait lets the LISTEN land first, or a notification sent just now would be missed.
        if (!_ready.Task.IsCompleted && _listen)
        {
            await Task.WhenAny(EnsureListeningAsync(timeout.Token), delay).ConfigureAwait(false);
        }

        var wake = Volatile.Read(ref _wake);
        var winner = wake.Task.IsCompleted ? wake.Task : await Task.WhenAny(wake.Task, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (winner == wake.Task)
        {
            // Consumed: the next wait blocks until something new happens.
            Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), wake);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_startLock)
        {
            if (_disposed != 0)
            {
                return;
            }

            _disposed = 1;
            loop = _loop;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
        Pulse();
    }

    private async Task ListenLoopAsync(CancellationToken stop)
    {
        var listenedBefore = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                connection.Notification += (_, _) => Pulse();
                using (var listen = new NpgsqlCommand($"LISTEN \"{_channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                _ready.TrySetResult();
                if (listenedBefore)
                {
                    Pulse();
                }

                listenedBefore = true;
                while (true)
                {
                    if (!await connection.WaitAsync(PostgreSqlWorkflowStoreConstants.ListenerPingInterval, stop).ConfigureAwait(false))
                    {
                        // A quiet connection may be half-open; a query finds out and sends us to reconnect.
                        using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must outlive any failure: waiters fall back to maxWait while it reconnects.
            catch (Exception)
#pragma warning restore CA1031
            {
                _ready.TrySetResult();
                listenedBefore = true;
                try
                {
                    await Task.Delay(_reconnectDelay, _timeProvider, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
