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
#if NINES_POSTGRES
            return new PostgreSqlWorkflowStore(new PostgreSqlWorkflowStoreOptions { ConnectionString = spec["postgres:".Length..] });
#else
            throw new ArgumentException(
                "This build of the crash host has no PostgreSQL store. Reference src/Nines.PostgreSql from "
                + "tests/Nines.CrashHost/Nines.CrashHost.csproj and define NINES_POSTGRES (see docs/workflows-durability.md).");
#endif
        }

        throw new ArgumentException($"--store '{spec}' is neither sqlite:<path> nor postgres:<connection string>.");
    }
}
