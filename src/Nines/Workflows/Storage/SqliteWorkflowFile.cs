using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Nines.Workflows.Storage;

/// <summary>
/// Opens the file of a <see cref="SqliteWorkflowStore"/>: refuses a corrupt, foreign or newer file before writing
/// anything to it, then switches it to WAL with <c>synchronous=FULL</c> and applies <see cref="SqliteWorkflowSchema.Migrations"/>.
/// </summary>
internal sealed class SqliteWorkflowFile
{
    private static readonly byte[] _sqliteHeader = "SQLite format 3\0"u8.ToArray();

    private readonly string _path;
    private readonly string _writeConnectionString;
    private readonly TimeSpan _busyTimeout;

    public SqliteWorkflowFile(string path, string writeConnectionString, TimeSpan busyTimeout)
    {
        _path = path;
        _writeConnectionString = writeConnectionString;
        _busyTimeout = busyTimeout;
    }

    public SqliteConnection OpenAndMigrate()
    {
        var exists = File.Exists(_path) && new FileInfo(_path).Length > 0;
        if (exists)
        {
            CheckHeader();
        }

        var connection = new SqliteConnection(_writeConnectionString);
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = " + ((long)_busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            if (exists)
            {
                // Read-only checks first: a file we refuse is never written, not even its journal mode.
                Validate(connection);
            }

            var journalMode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture);
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new WorkflowStoreException(
                    $"The workflow store {_path} could not switch to WAL journal mode (it is '{journalMode}'). "
                    + "Put the store on a local file system that supports shared memory, or point --store at another file.");
            }

            Execute(connection, "PRAGMA synchronous = FULL");
            Migrate(connection);
            return connection;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new WorkflowStoreException(
                $"The workflow store {_path} cannot be opened: {ex.Message} It may be damaged or not a Nines store. "
                + "Restore it from a backup or point --store at another file.",
                ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void CheckHeader()
    {
        var header = new byte[_sqliteHeader.Length];
        int read;
        using (var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (read < header.Length || !header.AsSpan().SequenceEqual(_sqliteHeader))
        {
            throw new WorkflowStoreException(
                $"The workflow store {_path} is not an SQLite database (its first bytes are not the SQLite header): it is "
                + "corrupt or some other kind of file. Nines did not change it. Restore it from a backup, or point --store "
                + "at another file (a missing or empty file becomes a new store).");
        }
    }

    private void Validate(SqliteConnection connection)
    {
        var applicationId = Convert.ToInt64(Scalar(connection, "PRAGMA application_id"), CultureInfo.InvariantCulture);
        var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (applicationId == SqliteWorkflowSchema.ApplicationId)
        {
            if (version > SqliteWorkflowSchema.CurrentVersion)
            {
                throw new WorkflowStoreException(
                    $"The workflow store {_path} was written by a newer Nines (schema {version}; this version reads up to "
                    + $"{SqliteWorkflowSchema.CurrentVersion}). Nines did not change it. Upgrade Nines or point --store at another file.");
            }

            return;
        }

        if (applicationId != 0)
        {
            throw new WorkflowStoreException(
                $"The workflow store {_path} is an SQLite database of another application (application_id 0x{applicationId:X8}; "
                + $"Nines stores have 0x{SqliteWorkflowSchema.ApplicationId:X8}). Nines did not change it. Point --store at another file.");
        }

        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count > 0 || version != 0)
        {
            var what = tables.Count > 0
                ? "it holds " + string.Join(", ", tables.Take(5)) + (tables.Count > 5 ? ", …" : string.Empty)
                : $"its user_version is {version}";
            throw new WorkflowStoreException(
                $"The workflow store {_path} is an SQLite database of another application ({what}, and it has no Nines "
                + "application id). Nines did not change it. Point --store at another file (a missing or empty file becomes a new store).");
        }
    }

    private void Migrate(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction(deferred: false);

        // Checked again under the write lock: another process may have created or upgraded the schema meanwhile.
        Validate(connection);
        var version = (int)Convert.ToInt64(Scalar(connection, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (version == SqliteWorkflowSchema.CurrentVersion)
        {
            return;
        }

        for (var next = version; next < SqliteWorkflowSchema.CurrentVersion; next++)
        {
            foreach (var statement in SqliteWorkflowSchema.Migrations[next])
            {
                Execute(connection, statement);
            }
        }

        var current = SqliteWorkflowSchema.CurrentVersion.ToString(CultureInfo.InvariantCulture);
        Execute(connection, "PRAGMA application_id = " + SqliteWorkflowSchema.ApplicationId.ToString(CultureInfo.InvariantCulture));
        Execute(connection, "PRAGMA user_version = " + current);
        Execute(
            connection,
            "INSERT INTO meta (key, value) VALUES ('application', 'nines'), ('schema_version', '" + current + "') "
            + "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        tx.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
