using System.CommandLine;
using Nines.Workflows.Storage;

namespace Nines.CommandLine.Storage;

/// <summary>
/// The one place where the CLI turns a <c>--store</c> value into a workflow store: <c>sqlite:&lt;path&gt;</c> (or a bare
/// path), plain <c>sqlite</c>, <c>postgres:&lt;connection string&gt;</c> or plain <c>postgres</c>.
/// </summary>
/// <remarks>
/// A plain <c>sqlite</c> or <c>postgres</c> has no <see cref="Target"/>: <c>runs</c> reads it as the default store
/// (<c>nines.db</c> in the working directory), <c>bench</c> as a throwaway one (a temp file, a local cluster).
/// </remarks>
internal sealed record StoreSpec(StoreKind Kind, string? Target)
{
    /// <summary>The default store of the <c>runs</c> commands: <c>nines.db</c> in the working directory.</summary>
    public const string DefaultSqlitePath = "nines.db";

    public const string Examples = "sqlite:nines.db, sqlite:/var/lib/app/nines.db, a bare path such as ./nines.db, or postgres:\"Host=localhost;Database=nines;Username=app\"";

    private const string SqlitePrefix = "sqlite:";
    private const string PostgresPrefix = "postgres:";
    private const string PostgreSqlPrefix = "postgresql:";

    /// <summary>The SQLite file's full path; the default <c>nines.db</c> when the spec is plain <c>sqlite</c>.</summary>
    public string SqlitePath => Kind == StoreKind.Sqlite
        ? Path.GetFullPath(Target ?? DefaultSqlitePath)
        : throw new InvalidOperationException("Not a SQLite store spec.");

    /// <summary>The <c>--store</c> option that every workflow command shares.</summary>
    public static Option<string?> CreateOption(string description) => new("--store")
    {
        Description = description,
        HelpName = "spec",
    };

    /// <summary>Parses a <c>--store</c> value; null or blank means the default SQLite file.</summary>
    /// <exception cref="CliUsageException">The value names no store.</exception>
    public static StoreSpec Parse(string? text)
    {
        if (text is null)
        {
            return new StoreSpec(StoreKind.Sqlite, DefaultSqlitePath);
        }

        var spec = text.Trim();
        if (spec.Length == 0)
        {
            throw new CliUsageException($"--store is empty; give {Examples}.");
        }

        if (spec.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new StoreSpec(StoreKind.Sqlite, null);
        }

        if (spec.Equals("postgres", StringComparison.OrdinalIgnoreCase) || spec.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            return new StoreSpec(StoreKind.PostgreSql, null);
        }

        if (spec.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
        {
            var path = spec[SqlitePrefix.Length..].Trim();
            return path.Length == 0
                ? throw new CliUsageException($"--store '{text}' names no file; give sqlite:<path>, e.g. sqlite:nines.db.")
                : new StoreSpec(StoreKind.Sqlite, path);
        }

        foreach (var prefix in new[] { PostgresPrefix, PostgreSqlPrefix })
        {
            if (spec.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var connectionString = spec[prefix.Length..].Trim();
                return connectionString.Length == 0
                    ? throw new CliUsageException($"--store '{text}' has no connection string; give postgres:\"Host=localhost;Database=nines;Username=app\".")
                    : new StoreSpec(StoreKind.PostgreSql, connectionString);
            }
        }

        // A Windows drive letter (C:\x.db) is a path, not a scheme; any other "word:" prefix is a typo of a scheme.
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon > 1 && spec[..colon].All(char.IsAsciiLetter))
        {
            throw new CliUsageException($"--store '{text}' has an unknown scheme '{spec[..colon]}:'; give {Examples}.");
        }

        return new StoreSpec(StoreKind.Sqlite, spec);
    }

    /// <summary>Opens a store that must already exist (the <c>runs</c> commands inspect and change runs; they never create a store).</summary>
    /// <exception cref="CliUsageException">There is no store there, or its kind is not built in.</exception>
    /// <exception cref="Workflows.WorkflowStoreException">The file is corrupt, foreign or from a newer Nines.</exception>
    public async Task<IWorkflowStore> OpenExistingAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (Kind == StoreKind.Sqlite && !File.Exists(SqlitePath))
        {
            // SqliteWorkflowStore creates a missing file on InitializeAsync: a typo in --store must not leave an empty store behind.
            throw new CliUsageException($"no store at {SqlitePath}; start a run first or pass --store ({Examples}).");
        }

        if (Kind == StoreKind.PostgreSql && Target is null)
        {
            throw new CliUsageException("--store postgres needs a connection string here: postgres:\"Host=localhost;Database=nines;Username=app\".");
        }

        return await OpenAsync(timeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates and initializes the store (a SQLite file is created if missing).</summary>
    public async Task<IWorkflowStore> OpenAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var store = Create(timeProvider);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the store, not yet initialized.</summary>
    public IWorkflowStore Create(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        switch (Kind)
        {
            case StoreKind.Sqlite:
                return new SqliteWorkflowStore(new SqliteWorkflowStoreOptions { Path = SqlitePath, TimeProvider = timeProvider });

            case StoreKind.PostgreSql:
                // A plain "postgres" (no connection string) is resolved by the caller first: the bench starts a
                // LocalPostgresCluster and opens `spec with { Target = cluster.ConnectionString }`.
                return Target is null
                    ? throw new CliUsageException("--store postgres needs a connection string here: --store \"postgres:Host=…;Username=…;Database=…\".")
                    : new PostgreSqlWorkflowStore(new PostgreSqlWorkflowStoreOptions { ConnectionString = Target, TimeProvider = timeProvider });

            default:
                throw new InvalidOperationException($"Unknown store kind {Kind}.");
        }
    }

    /// <summary>For messages: <c>sqlite:/full/path.db</c> or <c>postgres</c> (never the connection string, which may hold a password).</summary>
    public override string ToString() => Kind switch
    {
        StoreKind.Sqlite => SqlitePrefix + SqlitePath,
        _ => Target is null ? "postgres (local throwaway cluster)" : "postgres",
    };
}
