using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Nines.Cli.Bench;

/// <summary>
/// PostgreSQL's floor: one autocommitted INSERT of <c>payloadBytes</c> into a plain table over the same connection
/// string the store uses — one round trip and one WAL flush, the least a journaled step can cost.
/// </summary>
internal sealed class PostgreSqlCommitFloor(string connectionString, int payloadBytes) : IBenchFloor
{
    public string Description => string.Create(CultureInfo.InvariantCulture, $"one INSERT + COMMIT ({payloadBytes} B row, one client)");

    public async Task<IReadOnlyList<TimeSpan>> MeasureAsync(int samples, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var table = $"nines_bench_floor_{Guid.NewGuid():N}";
        var payload = new string('x', payloadBytes);
        var durations = new List<TimeSpan>(samples);
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"CREATE TABLE {table} (id bigserial PRIMARY KEY, payload text NOT NULL)", cancellationToken).ConfigureAwait(false);
            try
            {
                var insert = new NpgsqlCommand($"INSERT INTO {table} (payload) VALUES ($1)", connection);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Parameters.Add(new NpgsqlParameter { Value = payload });
                    await insert.PrepareAsync(cancellationToken).ConfigureAwait(false);

                    // One untimed insert first: the first row pays for the table's first page.
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < samples; i++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        durations.Add(Stopwatch.GetElapsedTime(started));
                    }
                }
            }
            finally
            {
                await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {table}", CancellationToken.None).ConfigureAwait(false);
            }
        }

        return durations;
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
