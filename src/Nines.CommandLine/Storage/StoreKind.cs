namespace Nines.CommandLine.Storage;

/// <summary>Which workflow store a <see cref="StoreSpec"/> names.</summary>
internal enum StoreKind
{
    /// <summary>An embedded SQLite file.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database.</summary>
    PostgreSql,
}
