using Nines.Workflows.Storage;

namespace Nines.CrashHost;

/// <summary>Opens the store a <c>--store</c> spec names: <c>sqlite:&lt;path&gt;</c> or <c>postgres:&lt;connection string&gt;</c>.</summary>
internal static class StoreSpec
{
    public static IWorkflowStore Open(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (spec.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            return new SqliteWorkflowStore(spec["sqlite:".Length..]);
        }

        if (spec.StartsWith("postgres:", StringComparison.Ordinal))
        {
            return new PostgreSqlWorkflowStore(new PostgreSqlWorkflowStoreOptions { ConnectionString = spec["postgres:".Length..] });
        }

        throw new ArgumentException($"--store '{spec}' is neither sqlite:<path> nor postgres:<connection string>.");
    }
}
