namespace Nines.Workflows.Storage;

/// <summary>
/// The SQLite schema of <see cref="SqliteWorkflowStore"/> and its migrations. <c>PRAGMA application_id</c> marks a file
/// as a Nines store and <c>PRAGMA user_version</c> holds the schema version (both mirrored in the <c>meta</c> table for
/// people reading the file); <see cref="Migrations"/>[i] takes a store from version i to i + 1.
/// </summary>
/// <remarks>Times are INTEGER unix milliseconds (UTC); enums are their text names.</remarks>
internal static class SqliteWorkflowSchema
{
    /// <summary>"NINE" in ASCII: the SQLite application id of every Nines store.</summary>
    public const int ApplicationId = 0x4E494E45;

    /// <summary>The statements of each migration; the current schema version is the number of entries.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> Migrations =
    [
        // Version 1.
        [
            """
            CREATE TABLE meta (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE runs (
                run_id TEXT PRIMARY KEY NOT NULL,
                workflow TEXT NOT NULL,
                version INTEGER NOT NULL,
                status TEXT NOT NULL,
                input_json TEXT,
                output_json TEXT,
                error TEXT,
                parent_run_id TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                completed_at INTEGER,
                wake_at INTEGER,
                waiting_for TEXT,
                lease_owner TEXT,
                lease_epoch INTEGER NOT NULL DEFAULT 0,
                lease_expires_at INTEGER,
                cancel_requested INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX runs_by_status ON runs (status, workflow, version)",
            "CREATE INDEX runs_by_created ON runs (created_at, run_id)",
            "CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL",
            "CREATE INDEX runs_by_completed ON runs (completed_at) WHERE completed_at IS NOT NULL",
            """
            CREATE TABLE steps (
                run_id TEXT NOT NULL,
                position INTEGER NOT NULL,
                item INTEGER NOT NULL,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                output_json TEXT,
                error TEXT,
                error_type TEXT,
                attempts INTEGER NOT NULL,
                idempotency_key TEXT,
                wake_at INTEGER,
                started_at INTEGER NOT NULL,
                completed_at INTEGER,
                PRIMARY KEY (run_id, position, item)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE signals (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL,
                name TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                sent_at INTEGER NOT NULL,
                consumed_at INTEGER,
                consumed_position INTEGER
            )
            """,
            "CREATE INDEX signals_by_run ON signals (run_id, sequence)",
            "CREATE INDEX signals_pending ON signals (run_id, name, sequence) WHERE consumed_at IS NULL",
            """
            CREATE TABLE workers (
                worker_id TEXT PRIMARY KEY NOT NULL,
                registrations TEXT NOT NULL,
                heartbeat_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
        ],
    ];

    /// <summary>The schema version this code writes and the newest it reads.</summary>
    public static int CurrentVersion => Migrations.Count;
}
