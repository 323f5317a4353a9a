using Nines.Tests.Workflows.Storage;
using Nines.Workflows.Storage;
using Xunit.Abstractions;

namespace Nines.Tests.Workflows.Durability;

/// <summary>The crash and takeover tests against PostgreSQL: the same scenarios as <see cref="CrashTests"/>, each in a fresh database of the shared throwaway cluster.</summary>
[Collection("postgres")]
public sealed class PostgresCrashTests(PostgresClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_KilledHundredTimes_EveryRunCompletesOnceAndPaysOnce()
    {
        var connectionString = await FreshDatabaseAsync("crash");
        await CrashScenario.RunAsync("postgres:" + connectionString, () => Open(connectionString), output);
    }

    [Fact]
    public async Task Worker_FrozenPastLease_TakenOverAndLateWriteRejected()
    {
        var connectionString = await FreshDatabaseAsync("takeover");
        await TakeoverScenario.RunAsync("postgres:" + connectionString, () => Open(connectionString), output);
    }

    private static PostgreSqlWorkflowStore Open(string connectionString) =>
        new(new PostgreSqlWorkflowStoreOptions { ConnectionString = connectionString });

    private Task<string> FreshDatabaseAsync(string purpose) =>
        cluster.Cluster.CreateDatabaseAsync($"nines_{purpose}_{Guid.NewGuid():N}");
}
