using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Nines.CommandLine.Storage;

/// <summary>
/// A throwaway PostgreSQL server in a temporary directory, for tests and benchmarks: <c>initdb</c> with trust
/// authentication on 127.0.0.1 and a free port, started with <c>pg_ctl</c>, stopped and deleted on dispose.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so when this process is root the binaries run as the <c>postgres</c> OS user
/// through <c>runuser</c> and the directory is handed to that user. <c>fsync</c> stays on: benchmark numbers taken
/// against this server pay for real durability. Trust authentication means anyone on this machine can connect while
/// it runs; never point it at data that matters.
/// </remarks>
internal sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _runAsPostgres;
    private int _disposed;

    private LocalPostgresCluster(string binDirectory, string root, bool runAsPostgres, int port)
    {
        _binDirectory = binDirectory;
        _root = root;
        _runAsPostgres = runAsPostgres;
        Port = port;
        ConnectionString = BuildConnectionString(port, "postgres");
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string for the <c>postgres</c> database as the <c>postgres</c> superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>Creates a data directory, starts a server on a free port and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">The PostgreSQL binaries are missing or the server did not start; the message says why.</exception>
    public static async Task<LocalPostgresCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        var runAsPostgres = Environment.IsPrivilegedProcess;
        var root = Path.Combine(Path.GetTempPath(), "nines-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        try
        {
            if (runAsPostgres)
            {
                await RunAsync("chown", [OsUser + ":", root], cancellationToken).ConfigureAwait(false);
            }

            var cluster = new LocalPostgresCluster(binDirectory, root, runAsPostgres, FreePort());
            await cluster.InitAsync(cancellationToken).ConfigureAwait(false);
            await cluster.StartServerAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            TryDeleteDirectory(root);
            throw;
        }
    }

    /// <summary>Creates a database and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return BuildConnectionString(Port, name);
    }

    /// <summary>The last lines of the server log, for error messages.</summary>
    public string LogTail(int lines = 30)
    {
        try
        {
            var all = File.ReadAllLines(LogFile);
            return string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    /// <summary>Stops the server at once (the data is thrown away) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await RunPgAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped (or never started): the directory still has to go.
        }

        TryDeleteDirectory(_root);
    }

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        // --no-sync only skips flushing initdb's own files; the running server keeps fsync on.
        await RunPgAsync("initdb", ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], cancellationToken).ConfigureAwait(false);
        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# Nines throwaway test cluster")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"port = {Port}")
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{_root}'")
            .AppendLine("fsync = on")
            .AppendLine("synchronous_commit = on")
            .AppendLine("max_connections = 200")
            .AppendLine("shared_buffers = 128MB")
            .AppendLine("logging_collector = off")
            .ToString();
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings, cancellationToken).ConfigureAwait(false);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunPgAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", ((int)_startTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}Server log ({LogFile}):{Environment.NewLine}{LogTail()}", ex);
        }

        // pg_ctl -w already waited for the server; one real connection proves TCP works too.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_startTimeout);
        Exception? last = null;
        for (var attempt = 0; attempt < 100 && !timeout.IsCancellationRequested; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new InvalidOperationException(
            $"The PostgreSQL test server in {_root} started but does not accept connections on 127.0.0.1:{Port}: {last?.Message}{Environment.NewLine}Server log:{Environment.NewLine}{LogTail()}",
            last);
    }

    private Task<string> RunPgAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory, program);
        return _runAsPostgres
            ? RunAsync("runuser", ["-u", OsUser, "--", path, .. arguments], cancellationToken)
            : RunAsync(path, arguments, cancellationToken);
    }

    private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The server inherits this directory; the postgres user must be able to enter it.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var output = (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', arguments)}' exited with code {process.ExitCode}: {output.Trim()}");
        }

        return output;
    }

    private static string FindBinDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (File.Exists(Path.Combine(fromEnvironment, "initdb")))
            {
                return fromEnvironment;
            }

            throw new InvalidOperationException($"PG_BIN is '{fromEnvironment}' but there is no initdb in it. Point PG_BIN at the directory holding initdb and pg_ctl, or unset it to search /usr/lib/postgresql/*/bin.");
        }

        const string Root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(directory => (Version: int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(directory, "bin")))
                .Where(candidate => File.Exists(Path.Combine(candidate.Bin, "initdb")) && File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0].Bin
            : throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin. "
                + "Install them (Debian/Ubuntu: 'apt-get install postgresql') or set PG_BIN to the directory that holds initdb.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string BuildConnectionString(int port, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = database,
            MaxPoolSize = 150,
        }.ConnectionString;

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp directory is not worth failing a test run for.
        }
    }
}
