using System.Text.RegularExpressions;
using Npgsql;

namespace Nines.Workflows.Storage;

/// <summary>Where and how <see cref="PostgreSqlWorkflowStore"/> keeps workflow runs.</summary>
public sealed partial class PostgreSqlWorkflowStoreOptions
{
    /// <summary>The Npgsql connection string: <c>Host=db;Database=app;Username=nines;Password=…</c>.</summary>
    /// <value>The default value is null; set it or <see cref="DataSource"/>.</value>
    /// <remarks>
    /// The store builds a pooled <see cref="NpgsqlDataSource"/> from it and turns on automatic statement
    /// preparation unless the string sets <c>Max Auto Prepare</c> itself.
    /// </remarks>
    public string? ConnectionString { get; set; }

    /// <summary>A data source the application already owns; used instead of <see cref="ConnectionString"/>.</summary>
    /// <value>The default value is null.</value>
    /// <remarks>The store does not dispose it. Give it a pool large enough for the workers plus two connections the store keeps open: one listening, one for lone step saves.</remarks>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>The PostgreSQL schema holding the store's tables; several independent stores can share a database under different schemas.</summary>
    /// <value>The default value is <c>nines</c>.</value>
    /// <remarks>Lower-case letters, digits and underscores, starting with a letter or underscore, at most 48 characters. The notification channel is <c>&lt;schema&gt;_work</c>.</remarks>
    public string SchemaName { get; set; } = PostgreSqlWorkflowStoreConstants.DefaultSchemaName;

    /// <summary>Whether writes that create work send <c>NOTIFY</c> and <see cref="PostgreSqlWorkflowStore.WaitForWorkAsync"/> listens, so idle workers on other machines wake at once.</summary>
    /// <value>The default value is true.</value>
    /// <remarks>Turn it off behind a connection pooler in transaction mode (PgBouncer), which cannot hold a LISTEN session; workers then poll every <c>maxWait</c>.</remarks>
    public bool EnableNotifications { get; set; } = true;

    /// <summary>Whether step saves of different runs that arrive together share one round trip and one commit (group commit).</summary>
    /// <value>The default value is true.</value>
    /// <remarks>
    /// Each save is still fenced by its own lease and still durable when its task completes. A lone save goes out at
    /// once on a connection the store keeps open for it, so it costs one statement; under load many runs share each
    /// WAL flush. Turn it off to give every save its own transaction on a pooled connection.
    /// </remarks>
    public bool GroupCommit { get; set; } = true;

    /// <summary>How long the listening connection waits before reconnecting after it broke.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan ListenerReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock used only to time <see cref="PostgreSqlWorkflowStore.WaitForWorkAsync"/>, listener reconnects and how long the lone-save connection has been idle; every stored time comes from the engine.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        var problems = new List<string>();
        if (DataSource is null && string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("Set ConnectionString (or DataSource) to the PostgreSQL database that holds the workflow runs.");
        }

        if (DataSource is null && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"ConnectionString is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        if (SchemaName is null || !SchemaNamePattern().IsMatch(SchemaName))
        {
            problems.Add($"SchemaName '{SchemaName}' is not allowed: use 1 to 48 lower-case letters, digits or underscores, starting with a letter or underscore (the default is '{PostgreSqlWorkflowStoreConstants.DefaultSchemaName}').");
        }

        if (ListenerReconnectDelay <= TimeSpan.Zero)
        {
            problems.Add($"ListenerReconnectDelay must be positive; it is {ListenerReconnectDelay}.");
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider must not be null; leave it at TimeProvider.System unless a test fakes time.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The PostgreSQL workflow store options are invalid: " + string.Join(" ", problems), nameof(PostgreSqlWorkflowStoreOptions));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaNamePattern();
}
