using Nines.CommandLine.Storage;
using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows.Storage;

/// <summary>
/// One throwaway PostgreSQL server for every test class in the "postgres" collection, started before the first and
/// stopped (its directory deleted) after the last. Tests stay independent by taking a fresh schema per store.
/// </summary>
[CollectionDefinition("postgres")]
public sealed class PostgresClusterFixture : IAsyncLifetime, ICollectionFixture<PostgresClusterFixture>
{
    private readonly List<PostgreSqlWorkflowStore> _stores = [];
    private readonly Lock _storesLock = new();
    private int _schemaCounter;
    private LocalPostgresCluster? _cluster;

    internal LocalPostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL test cluster has not started.");

    /// <summary>The connection string of the database the stores use.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _cluster = await LocalPostgresCluster.StartAsync();
        ConnectionString = await _cluster.CreateDatabaseAsync("nines_tests");
    }

    public async Task DisposeAsync()
    {
        PostgreSqlWorkflowStore[] stores;
        lock (_storesLock)
        {
            stores = [.. _stores];
            _stores.Clear();
        }

        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>A schema name no other test has used.</summary>
    public string NewSchemaName() => $"t{Interlocked.Increment(ref _schemaCounter)}_{Guid.NewGuid():N}"[..24];

    /// <summary>A store on its own fresh schema, not yet initialized; disposed with the fixture if the test does not.</summary>
    public PostgreSqlWorkflowStore NewStore(string? schemaName = null, Action<PostgreSqlWorkflowStoreOptions>? configure = null)
    {
        var options = new PostgreSqlWorkflowStoreOptions { ConnectionString = ConnectionString, SchemaName = schemaName ?? NewSchemaName() };
        configure?.Invoke(options);
        var store = new PostgreSqlWorkflowStore(options);
        lock (_storesLock)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>A fresh, empty, initialized store: what the shared conformance suite asks for.</summary>
    public async Task<IWorkflowStore> CreateStoreAsync()
    {
        var store = NewStore();
        await store.InitializeAsync();
        return store;
    }
}
