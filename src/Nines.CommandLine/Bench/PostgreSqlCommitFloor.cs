using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Nines.CommandLine.Bench;

/// <summary>
/// PostgreSQL's floor: one autocommitted INSERT of <c>payloadBytes</c> into a plain table over the same connection
/// string the store uses — one round trip and one WAL flush, the least a journaled step can cost.
/// </summary>
/// <remarks>
/// The table and the connection are created once and reused by every slice: creating and dropping a table per
/// slice would send catalog invalidations that make the store's prepared statements re-plan, and the latency runs
/// measured between slices would pay for the floor's DDL.
/// </remarks>
internal sealed class PostgreSqlCommitFloor(string connectionString, int payloadBytes) : IBenchFloor, IAsyncDisposable
{
    private readonly string _table = $"nines_bench_floor_{Guid.NewGuid():N}";
    private NpgsqlConnection? _connection;
    private NpgsqlCommand? _insert;

    public string Description => string.Create(CultureInfo.InvariantCulture, $"one INSERT + COMMIT ({payloadBytes} B row, one client)");

    public async Task<IReadOnlyList<TimeSpan>> MeasureAsync(int samples, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var insert = _insert ?? await PrepareAsync(cancellationToken).ConfigureAwait(false);
        var durations = new List<TimeSpan>(samples);
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            durations.Add(Stopwatch.GetElapsedTime(started));
        }

        return durations;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        if (_insert is not null)
        {
            await _insert.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await ExecuteAsync(_connection, $"DROP TABLE IF EXISTS {_table}", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<NpgsqlCommand> PrepareAsync(CancellationToken cancellationToken)
    {
        _connection = new NpgsqlConnection(connectionString);
        await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(_connection, $"CREATE TABLE {_table} (id bigserial PRIMARY KEY, payload text NOT NULL)", cancellationToken).ConfigureAwait(false);
        _insert = new NpgsqlCommand($"INSERT INTO {_table} (payload) VALUES ($1)", _connection);
        _insert.Parameters.Add(new NpgsqlParameter { Value = new string('x', payloadBytes) });
        await _insert.PrepareAsync(cancellationToken).ConfigureAwait(false);

        // One untimed insert first: the first row pays for the table's first page.
        await _insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return _insert;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
