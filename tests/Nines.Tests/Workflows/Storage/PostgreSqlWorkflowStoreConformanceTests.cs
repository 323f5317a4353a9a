using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows.Storage;

/// <summary>The shared store conformance suite against a real PostgreSQL server (a fresh schema per test).</summary>
[Collection("postgres")]
public sealed class PostgreSqlWorkflowStoreConformanceTests(PostgresClusterFixture postgres) : WorkflowStoreConformanceTests
{
    protected override Task<IWorkflowStore> CreateStoreAsync() => postgres.CreateStoreAsync();
}
