namespace Nines.Workflows.Storage;

/// <summary>The store's schema as an ordered list of migrations; version N is the N-th entry.</summary>
/// <remarks>
/// Migrations only ever get appended. A database whose version table holds a version beyond this list was written
/// by a newer Nines and is refused unchanged.
/// </remarks>
internal static class PostgreSqlSchema
{
    /// <summary>The migrations, in order; <c>{s}</c> stands for the quoted schema name.</summary>
    public static IReadOnlyList<(int Version, string Description, string Sql)> Migrations { get; } =
    [
        (1, "runs, steps, signals, workers", """
            CREATE TABLE {s}.runs (
                run_id              text PRIMARY KEY,
                workflow            text NOT NULL,
                version             integer NOT NULL,
                status              text NOT NULL,
                input_json          text,
                output_json         text,
                error               text,
                parent_run_id       text,
                created_at          timestamptz NOT NULL,
                updated_at          timestamptz NOT NULL,
                completed_at        timestamptz,
                wake_at             timestamptz,
                waiting_for         text,
                lease_owner         text,
                lease_epoch         bigint NOT NULL DEFAULT 0,
                lease_expires_at    timestamptz,
                cancel_requested    boolean NOT NULL DEFAULT false,
                status_before_block text,
                CONSTRAINT runs_status_check CHECK (status IN ('Pending', 'Running', 'Suspended', 'Completed', 'Failed', 'Cancelled', 'Blocked'))
            );
            -- The claim query: runnable runs of the registered versions, oldest first.
            CREATE INDEX runs_claim_idx ON {s}.runs (workflow, version, created_at) WHERE status IN ('Pending', 'Suspended', 'Running');
            CREATE INDEX runs_created_idx ON {s}.runs (created_at DESC, run_id DESC);
            CREATE INDEX runs_parent_idx ON {s}.runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
            CREATE INDEX runs_finished_idx ON {s}.runs (completed_at) WHERE status IN ('Completed', 'Failed', 'Cancelled');
            CREATE INDEX runs_blocked_idx ON {s}.runs (workflow, version) WHERE status = 'Blocked';

            CREATE TABLE {s}.steps (
                run_id          text NOT NULL,
                position        integer NOT NULL,
                item            integer NOT NULL,
                name            text NOT NULL,
                kind            text NOT NULL,
                status          text NOT NULL,
                output_json     text,
                error           text,
                error_type      text,
                attempts        integer NOT NULL,
                idempotency_key text,
                wake_at         timestamptz,
                started_at      timestamptz NOT NULL,
                completed_at    timestamptz,
                PRIMARY KEY (run_id, position, item)
            );

            CREATE TABLE {s}.signals (
                sequence          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id            text NOT NULL,
                name              text NOT NULL,
                payload_json      text NOT NULL,
                sent_at           timestamptz NOT NULL,
                consumed_at       timestamptz,
                consumed_position integer
            );
            CREATE INDEX signals_run_idx ON {s}.signals (run_id, sequence);
            CREATE INDEX signals_pending_idx ON {s}.signals (run_id, name, sequence) WHERE consumed_at IS NULL;

            CREATE TABLE {s}.workers (
                worker_id    text PRIMARY KEY,
                workflows    text[] NOT NULL,
                versions     integer[] NOT NULL,
                last_seen_at timestamptz NOT NULL
            );
            """),
    ];

    /// <summary>The newest schema version this build understands.</summary>
    public static int CurrentVersion => Migrations[^1].Version;
}
