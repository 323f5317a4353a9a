namespace Nines.Workflows.Storage;

/// <summary>Defaults and fixed names of the PostgreSQL store.</summary>
internal static class PostgreSqlWorkflowStoreConstants
{
    public const string DefaultSchemaName = "nines";

    /// <summary>The table that marks a schema as a Nines store and records which migrations ran.</summary>
    public const string VersionTable = "nines_schema_version";

    /// <summary>Runs a prune reads and deletes per transaction.</summary>
    public const int PruneBatchSize = 200;

    /// <summary>How long the listening connection idles before it proves itself alive with a query.</summary>
    public static readonly TimeSpan ListenerPingInterval = TimeSpan.FromSeconds(30);
}
