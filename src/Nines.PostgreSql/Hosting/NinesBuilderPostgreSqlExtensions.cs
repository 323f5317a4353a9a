using Nines.Workflows.Storage;

namespace Nines;

/// <summary>Puts a <see cref="NinesBuilder"/>'s workflows on PostgreSQL.</summary>
public static class NinesBuilderPostgreSqlExtensions
{
    /// <summary>Uses PostgreSQL as the workflow store: any number of workers on any number of machines can share it.</summary>
    public static NinesBuilder UsePostgreSqlWorkflowStore(this NinesBuilder builder, string connectionString, Action<PostgreSqlWorkflowStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlWorkflowStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        return builder.UseWorkflowStore(_ => new PostgreSqlWorkflowStore(options));
    }
}
