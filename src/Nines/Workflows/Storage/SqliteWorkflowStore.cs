using System.Data;
using System.Text;
using Microsoft.Data.Sqlite;
using static Nines.Workflows.Storage.SqliteWorkflowMapping;

namespace Nines.Workflows.Storage;

/// <summary>
/// The embedded workflow store: one SQLite file (<c>nines.db</c> by default) that a worker process and CLI processes
/// can share.
/// </summary>
/// <remarks>
/// <para>
/// Durability: the file runs in WAL mode with <c>synchronous=FULL</c>, so every write method is one
/// <c>BEGIN IMMEDIATE</c> transaction whose commit is on disk (one fsync of the WAL) before the method returns; a
/// journaled step survives a crash or power loss once <see cref="SaveStepsAsync"/> returned.
/// </para>
/// <para>
/// Thread-safety: one instance serves a whole process. Writes go through one long-lived connection guarded by a
/// semaphore (its prepared statements are reused); reads use pooled connections of their own and see the last committed
/// state. Other processes are serialised by SQLite's file lock, waiting up to <see cref="SqliteWorkflowStoreOptions.BusyTimeout"/>.
/// </para>
/// <para>Times are stored as unix milliseconds: sub-millisecond precision is dropped and times come back in UTC.</para>
/// </remarks>
public sealed class SqliteWorkflowStore : IWorkflowStore
{
    private const string FinishedStatuses = "('Completed', 'Failed', 'Cancelled')";

    private const string RegistrationMatch =
        "EXISTS (SELECT 1 FROM json_each(@registrations) AS k "
        + "WHERE json_extract(k.value, '$.workflow') = r.workflow AND json_extract(k.value, '$.version') = r.version)";

    private const string WakeNow =
        "wake_at = CASE WHEN wake_at IS NOT NULL AND wake_at <= @now THEN wake_at ELSE @now END";

    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly WorkAvailableSignal _work = new();
    private SqliteConnection? _writeConnection;
    private volatile bool _disposed;

    /// <summary>Creates a store on <paramref name="path"/>; call <see cref="InitializeAsync"/> before using it.</summary>
    /// <param name="path">The database file, optionally prefixed <c>sqlite:</c>; null for <c>nines.db</c> in the working directory.</param>
    public SqliteWorkflowStore(string? path = null)
        : this(new SqliteWorkflowStoreOptions { Path = path })
    {
    }

    /// <summary>Creates a store from options; call <see cref="InitializeAsync"/> before using it.</summary>
    /// <param name="options">The settings; validated here.</param>
    public SqliteWorkflowStore(SqliteWorkflowStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var path = options.Path ?? "nines.db";
        if (path.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            path = path["sqlite:".Length..];
        }

        _path = Path.GetFullPath(path);
        _busyTimeout = options.BusyTimeout;
        _timeProvider = options.TimeProvider;
        var timeoutSeconds = (int)Math.Ceiling(_busyTimeout.TotalSeconds);
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath => _path;

    /// <inheritdoc />
    public string Description => "sqlite:" + _path;

    /// <inheritdoc />
    /// <remarks>
    /// A missing or empty file gets the current schema. A file that is not SQLite, belongs to another application or was
    /// written by a newer Nines is refused with <see cref="WorkflowStoreException"/> before anything is written to it.
    /// Calling this again is a no-op.
    /// </remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writeConnection ??= new SqliteWorkflowFile(_path, _writeConnectionString, _busyTimeout).OpenAndMigrate();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="WorkflowRunStateException">The id is taken by a run of another workflow.</exception>
    public async Task<(WorkflowRun Run, bool Created)> CreateRunAsync(NewWorkflowRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(run.RunId);
        ArgumentException.ThrowIfNullOrEmpty(run.Workflow);
        var result = await WriteAsync(
            tx =>
            {
                var insert = Command(
                    "INSERT INTO runs (run_id, workflow, version, status, input_json, parent_run_id, created_at, updated_at) "
                    + "VALUES (@run_id, @workflow, @version, 'Pending', @input_json, @parent_run_id, @now, @now) "
                    + "ON CONFLICT (run_id) DO NOTHING",
                    tx);
                Add(insert, "@run_id", run.RunId);
                Add(insert, "@workflow", run.Workflow);
                Add(insert, "@version", run.Version);
                Add(insert, "@input_json", run.InputJson);
                Add(insert, "@parent_run_id", run.ParentRunId);
                Add(insert, "@now", ToMs(run.CreatedAt));
                var created = insert.ExecuteNonQuery() == 1;
                var stored = ReadRun(tx, run.RunId)!;
                if (!created && !string.Equals(stored.Workflow, run.Workflow, StringComparison.Ordinal))
                {
                    throw new WorkflowRunStateException(
                        run.RunId,
                        stored.Status,
                        $"Run id '{run.RunId}' is already taken by a run of workflow '{stored.Workflow}' v{stored.Version} ({stored.Status}) "
                        + $"in {Description}, so a run of '{run.Workflow}' cannot start with it. Choose another run id.");
                }

                return (stored, created);
            },
            cancellationToken).ConfigureAwait(false);
        if (result.created)
        {
            _work.Set();
        }

        return result;
    }

    /// <inheritdoc />
    public Task<WorkflowRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return ReadAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT " + RunColumns + " FROM runs WHERE run_id = @run_id";
                Add(command, "@run_id", runId);
                using var reader = command.ExecuteReader();
                return reader.Read() ? SqliteWorkflowMapping.ReadRun(reader) : null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Newest first by creation time, then by run id descending, so pages are stable.</remarks>
    public Task<IReadOnlyList<WorkflowRun>> ListRunsAsync(WorkflowRunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        return ReadAsync<IReadOnlyList<WorkflowRun>>(
            connection =>
            {
                using var command = connection.CreateCommand();
                var sql = new StringBuilder("SELECT " + RunColumns + " FROM runs WHERE 1 = 1");
                if (query.Statuses is { Count: > 0 } statuses)
                {
                    sql.Append(" AND status IN (SELECT value FROM json_each(@statuses))");
                    Add(command, "@statuses", "[" + string.Join(",", statuses.Select(s => "\"" + s + "\"")) + "]");
                }

                if (query.Workflow is not null)
                {
                    sql.Append(" AND workflow = @workflow");
                    Add(command, "@workflow", query.Workflow);
                }

                if (query.ParentRunId is not null)
                {
                    sql.Append(" AND parent_run_id = @parent_run_id");
                    Add(command, "@parent_run_id", query.ParentRunId);
                }

                if (query.CreatedAfter is { } after)
                {
                    sql.Append(" AND created_at >= @created_after");
                    Add(command, "@created_after", ToMs(after));
                }

                if (query.CreatedBefore is { } before)
                {
                    sql.Append(" AND created_at < @created_before");
                    Add(command, "@created_before", ToMs(before));
                }

                sql.Append(" ORDER BY created_at DESC, run_id DESC LIMIT @limit OFFSET @offset");
                Add(command, "@limit", query.Limit);
                Add(command, "@offset", query.Offset);
                command.CommandText = sql.ToString();
                var runs = new List<WorkflowRun>();
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    runs.Add(SqliteWorkflowMapping.ReadRun(reader));
                }

                return runs;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return ReadAsync<IReadOnlyList<WorkflowStep>>(connection => ReadSteps(connection, runId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowSignal>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return ReadAsync<IReadOnlyList<WorkflowSignal>>(connection => ReadSignals(connection, runId), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Oldest first: a pending or suspended run by its wake time (or creation time when it has none), an expired running
    /// run by its lease expiry. Claiming clears the wake time and <see cref="WorkflowRun.WaitingFor"/>.
    /// </remarks>
    public async Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.WorkerId);
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxRuns);
        ArgumentNullException.ThrowIfNull(request.Registrations);
        if (request.MaxRuns == 0 || request.Registrations.Count == 0)
        {
            return [];
        }

        var registrations = ToJson(request.Registrations);
        var now = ToMs(request.Now);
        var expires = ToMs(request.Now + request.LeaseDuration);
        return await WriteAsync<IReadOnlyList<WorkflowClaim>>(
            tx =>
            {
                var select = Command(
                    "SELECT r.run_id, r.status FROM runs AS r WHERE " + RegistrationMatch
                    + " AND (r.status = 'Pending' OR (r.status = 'Suspended' AND r.wake_at <= @now) "
                    + "OR (r.status = 'Running' AND r.lease_expires_at <= @now)) "
                    + "ORDER BY CASE r.status WHEN 'Running' THEN r.lease_expires_at ELSE COALESCE(r.wake_at, r.created_at) END, "
                    + "r.created_at, r.run_id LIMIT @max",
                    tx);
                Add(select, "@registrations", registrations);
                Add(select, "@now", now);
                Add(select, "@max", request.MaxRuns);
                var candidates = new List<(string RunId, bool TakenOver)>();
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        candidates.Add((reader.GetString(0), reader.GetString(1) == nameof(WorkflowRunStatus.Running)));
                    }
                }

                var claims = new List<WorkflowClaim>(candidates.Count);
                foreach (var (runId, takenOver) in candidates)
                {
                    var update = Command(
                        "UPDATE runs SET status = 'Running', lease_epoch = lease_epoch + 1, lease_owner = @owner, "
                        + "lease_expires_at = @expires, wake_at = NULL, waiting_for = NULL, updated_at = @now "
                        + "WHERE run_id = @run_id RETURNING " + RunColumns,
                        tx);
                    Add(update, "@owner", request.WorkerId);
                    Add(update, "@expires", expires);
                    Add(update, "@now", now);
                    Add(update, "@run_id", runId);
                    using var reader = update.ExecuteReader();
                    reader.Read();
                    var run = SqliteWorkflowMapping.ReadRun(reader);
                    claims.Add(new WorkflowClaim(run, new WorkflowLease(run.RunId, request.WorkerId, run.LeaseEpoch), takenOver));
                }

                return claims;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<LeaseRenewal> RenewLeaseAsync(WorkflowLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return WriteAsync(
            tx =>
            {
                var update = Command(
                    "UPDATE runs SET lease_expires_at = @expires WHERE run_id = @run_id AND lease_epoch = @epoch "
                    + "AND lease_owner = @owner AND status = 'Running' RETURNING cancel_requested",
                    tx);
                Add(update, "@expires", ToMs(expiresAt));
                AddLease(update, lease);
                if (update.ExecuteScalar() is long cancel)
                {
                    return new LeaseRenewal(true, cancel != 0);
                }

                var select = Command("SELECT cancel_requested FROM runs WHERE run_id = @run_id", tx);
                Add(select, "@run_id", lease.RunId);
                return new LeaseRenewal(false, select.ExecuteScalar() is long c && c != 0);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReleaseLeaseAsync(WorkflowLease lease, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var released = await WriteAsync(
            tx =>
            {
                var update = Command(
                    "UPDATE runs SET status = 'Pending', lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL, "
                    + "updated_at = @now WHERE run_id = @run_id AND lease_epoch = @epoch AND lease_owner = @owner "
                    + "AND status = 'Running'",
                    tx);
                Add(update, "@now", ToMs(now));
                AddLease(update, lease);
                return update.ExecuteNonQuery() == 1;
            },
            cancellationToken).ConfigureAwait(false);
        if (released)
        {
            _work.Set();
        }
    }

    /// <inheritdoc />
    public async Task SaveStepsAsync(WorkflowLease lease, IReadOnlyList<WorkflowStep> steps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            CheckStepBelongs(lease, step);
        }

        await WriteAsync(
            tx =>
            {
                Fence(tx, lease);
                foreach (var step in steps)
                {
                    UpsertStep(tx, step);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The signal's consumption time is <paramref name="step"/>'s completion time, or its start time when it has none.</remarks>
    public Task<WorkflowSignal?> TryConsumeSignalAsync(WorkflowLease lease, string signalName, WorkflowStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(signalName);
        ArgumentNullException.ThrowIfNull(step);
        CheckStepBelongs(lease, step);
        return WriteAsync(
            tx =>
            {
                Fence(tx, lease);
                var select = Command(
                    "SELECT " + SignalColumns + " FROM signals WHERE run_id = @run_id AND name = @name AND consumed_at IS NULL "
                    + "ORDER BY sequence LIMIT 1",
                    tx);
                Add(select, "@run_id", lease.RunId);
                Add(select, "@name", signalName);
                WorkflowSignal signal;
                using (var reader = select.ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        return null;
                    }

                    signal = SqliteWorkflowMapping.ReadSignal(reader);
                }

                var consumedAt = FromMs(ToMs(step.CompletedAt ?? step.StartedAt));
                var update = Command(
                    "UPDATE signals SET consumed_at = @consumed_at, consumed_position = @position WHERE sequence = @sequence",
                    tx);
                Add(update, "@consumed_at", ToMs(consumedAt));
                Add(update, "@position", step.Position);
                Add(update, "@sequence", signal.Sequence);
                update.ExecuteNonQuery();
                UpsertStep(tx, step with { Status = StepStatus.Completed, OutputJson = signal.PayloadJson, CompletedAt = consumedAt });
                return (WorkflowSignal?)(signal with { ConsumedAt = consumedAt, ConsumedPosition = step.Position });
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task SuspendRunAsync(WorkflowLease lease, WorkflowSuspension suspension, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(suspension);
        var wakeAt = await WriteAsync(
            tx =>
            {
                var cancelRequested = Fence(tx, lease);
                var wakeNow = cancelRequested;
                if (!wakeNow && suspension.SignalName is not null)
                {
                    var pending = Command(
                        "SELECT EXISTS (SELECT 1 FROM signals WHERE run_id = @run_id AND name = @name AND consumed_at IS NULL)",
                        tx);
                    Add(pending, "@run_id", lease.RunId);
                    Add(pending, "@name", suspension.SignalName);
                    wakeNow = pending.ExecuteScalar() is long exists && exists != 0;
                }

                if (!wakeNow && suspension.ChildRunId is not null)
                {
                    var child = Command("SELECT status FROM runs WHERE run_id = @run_id", tx);
                    Add(child, "@run_id", suspension.ChildRunId);
                    wakeNow = child.ExecuteScalar() is string status && IsFinished(Enum.Parse<WorkflowRunStatus>(status));
                }

                DateTimeOffset? wake = wakeNow ? suspension.Now : suspension.WakeAt;
                var update = Command(
                    "UPDATE runs SET status = 'Suspended', wake_at = @wake_at, waiting_for = @waiting_for, lease_owner = NULL, "
                    + "lease_expires_at = NULL, updated_at = @now WHERE run_id = @run_id",
                    tx);
                Add(update, "@wake_at", ToMs(wake));
                Add(update, "@waiting_for", suspension.WaitingFor);
                Add(update, "@now", ToMs(suspension.Now));
                Add(update, "@run_id", lease.RunId);
                update.ExecuteNonQuery();
                return wake;
            },
            cancellationToken).ConfigureAwait(false);
        if (wakeAt <= suspension.Now)
        {
            _work.Set();
        }
    }

    /// <inheritdoc />
    public async Task CompleteRunAsync(WorkflowLease lease, WorkflowRunCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(completion);
        if (!IsFinished(completion.Status))
        {
            throw new ArgumentException(
                $"A run completes as Completed, Failed or Cancelled, not {completion.Status}.",
                nameof(completion));
        }

        var parentWoken = await WriteAsync(
            tx =>
            {
                Fence(tx, lease);
                var update = Command(
                    "UPDATE runs SET status = @status, output_json = @output_json, error = @error, completed_at = @now, "
                    + "updated_at = @now, wake_at = NULL, waiting_for = NULL, lease_owner = NULL, lease_expires_at = NULL "
                    + "WHERE run_id = @run_id RETURNING parent_run_id",
                    tx);
                Add(update, "@status", completion.Status.ToString());
                Add(update, "@output_json", completion.OutputJson);
                Add(update, "@error", completion.Error);
                Add(update, "@now", ToMs(completion.Now));
                Add(update, "@run_id", lease.RunId);
                return update.ExecuteScalar() is string parent && WakeSuspended(tx, parent, completion.Now);
            },
            cancellationToken).ConfigureAwait(false);
        if (parentWoken)
        {
            _work.Set();
        }
    }

    /// <inheritdoc />
    public async Task<WorkflowSignal> SendSignalAsync(string runId, string name, string payloadJson, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(payloadJson);
        var signal = await WriteAsync(
            tx =>
            {
                var status = ReadStatus(tx, runId) ?? throw new WorkflowRunNotFoundException(runId, Description);
                if (IsFinished(status))
                {
                    throw new WorkflowRunStateException(
                        runId,
                        status,
                        $"Run '{runId}' has already finished ({status}), so signal '{name}' would never be consumed; it was not recorded. "
                        + "Send signals only to runs that are still in progress ('nines runs list' shows their status).");
                }

                var insert = Command(
                    "INSERT INTO signals (run_id, name, payload_json, sent_at) VALUES (@run_id, @name, @payload_json, @now) "
                    + "RETURNING sequence",
                    tx);
                Add(insert, "@run_id", runId);
                Add(insert, "@name", name);
                Add(insert, "@payload_json", payloadJson);
                Add(insert, "@now", ToMs(now));
                var sequence = (long)insert.ExecuteScalar()!;
                if (status == WorkflowRunStatus.Suspended)
                {
                    WakeSuspended(tx, runId, now);
                }

                return new WorkflowSignal
                {
                    Sequence = sequence,
                    RunId = runId,
                    Name = name,
                    PayloadJson = payloadJson,
                    SentAt = FromMs(ToMs(now)),
                };
            },
            cancellationToken).ConfigureAwait(false);
        _work.Set();
        return signal;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A blocked run becomes <see cref="WorkflowRunStatus.Cancelled"/> at once with the error <c>cancelled</c> (and wakes a
    /// suspended parent); a pending or suspended run is marked and woken; a running run is marked and its worker learns it
    /// at its next <see cref="RenewLeaseAsync"/>.
    /// </remarks>
    public async Task<bool> RequestCancelAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var requested = await WriteAsync(
            tx =>
            {
                var status = ReadStatus(tx, runId) ?? throw new WorkflowRunNotFoundException(runId, Description);
                if (IsFinished(status))
                {
                    return false;
                }

                if (status == WorkflowRunStatus.Blocked)
                {
                    var cancel = Command(
                        "UPDATE runs SET status = 'Cancelled', error = 'cancelled', cancel_requested = 1, completed_at = @now, "
                        + "updated_at = @now, wake_at = NULL, waiting_for = NULL, lease_owner = NULL, lease_expires_at = NULL "
                        + "WHERE run_id = @run_id RETURNING parent_run_id",
                        tx);
                    Add(cancel, "@now", ToMs(now));
                    Add(cancel, "@run_id", runId);
                    if (cancel.ExecuteScalar() is string parent)
                    {
                        WakeSuspended(tx, parent, now);
                    }

                    return true;
                }

                var update = Command(
                    "UPDATE runs SET cancel_requested = 1, updated_at = @now, "
                    + "wake_at = CASE WHEN status IN ('Pending', 'Suspended') AND (wake_at IS NULL OR wake_at > @now) THEN @now ELSE wake_at END "
                    + "WHERE run_id = @run_id",
                    tx);
                Add(update, "@now", ToMs(now));
                Add(update, "@run_id", runId);
                update.ExecuteNonQuery();
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        if (requested)
        {
            _work.Set();
        }

        return requested;
    }

    /// <inheritdoc />
    /// <remarks>Returns the earliest such time even when it has already passed; the caller claims at once then.</remarks>
    public Task<DateTimeOffset?> GetNextWakeAsync(IReadOnlyCollection<WorkflowVersionKey> registrations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var json = ToJson(registrations);
        return ReadAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText =
                    "SELECT MIN(CASE r.status WHEN 'Suspended' THEN r.wake_at ELSE r.lease_expires_at END) FROM runs AS r "
                    + "WHERE r.status IN ('Suspended', 'Running') AND " + RegistrationMatch;
                Add(command, "@registrations", json);
                return command.ExecuteScalar() is long ms ? FromMs(ms) : (DateTimeOffset?)null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Only writes by this instance wake a waiter early; another process's writes are seen when the wait times out, so
    /// workers poll with <paramref name="maxWait"/>. A write made while nobody waits makes the next wait return at once.
    /// </remarks>
    public Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        if (maxWait != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return _work.WaitAsync(maxWait, _timeProvider, cancellationToken);
    }

    /// <inheritdoc />
    public Task RegisterWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentException.ThrowIfNullOrEmpty(worker.WorkerId);
        ArgumentNullException.ThrowIfNull(worker.Registrations);
        var json = ToJson(worker.Registrations);
        return WriteAsync(
            tx =>
            {
                var upsert = Command(
                    "INSERT INTO workers (worker_id, registrations, heartbeat_at) VALUES (@worker_id, @registrations, @now) "
                    + "ON CONFLICT (worker_id) DO UPDATE SET registrations = excluded.registrations, heartbeat_at = excluded.heartbeat_at",
                    tx);
                Add(upsert, "@worker_id", worker.WorkerId);
                Add(upsert, "@registrations", json);
                Add(upsert, "@now", ToMs(worker.Now));
                return upsert.ExecuteNonQuery();
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs considered are pending, suspended, and running with an expired lease. When no worker at all has been seen since
    /// <paramref name="liveSince"/>, nothing changes: with nobody alive there is nobody to judge what is registered (a
    /// CLI on its own must not block every run). Blocked runs that become runnable again go to
    /// <see cref="WorkflowRunStatus.Pending"/> with no error and no wake time; the engine re-suspends them on replay.
    /// </remarks>
    public async Task<int> UpdateBlockedRunsAsync(DateTimeOffset now, DateTimeOffset liveSince, CancellationToken cancellationToken = default)
    {
        var (changed, unblocked) = await WriteAsync(
            tx =>
            {
                var workers = Command("SELECT registrations FROM workers WHERE heartbeat_at >= @live_since", tx);
                Add(workers, "@live_since", ToMs(liveSince));
                var registered = new HashSet<WorkflowVersionKey>();
                var anyLive = false;
                using (var reader = workers.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        anyLive = true;
                        registered.UnionWith(FromJson(reader.GetString(0)));
                    }
                }

                if (!anyLive)
                {
                    return (0, false);
                }

                const string Blockable =
                    "(status IN ('Pending', 'Suspended') OR (status = 'Running' AND lease_expires_at <= @now))";
                var versions = Command(
                    "SELECT DISTINCT workflow, version, status = 'Blocked' FROM runs WHERE status = 'Blocked' OR " + Blockable,
                    tx);
                Add(versions, "@now", ToMs(now));
                var toBlock = new List<WorkflowVersionKey>();
                var toUnblock = new List<WorkflowVersionKey>();
                using (var reader = versions.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        var key = new WorkflowVersionKey(reader.GetString(0), reader.GetInt32(1));
                        var blocked = reader.GetInt64(2) != 0;
                        if (blocked && registered.Contains(key))
                        {
                            toUnblock.Add(key);
                        }
                        else if (!blocked && !registered.Contains(key))
                        {
                            toBlock.Add(key);
                        }
                    }
                }

                var count = 0;
                foreach (var key in toBlock.Distinct())
                {
                    var block = Command(
                        "UPDATE runs SET status = 'Blocked', error = @error, lease_owner = NULL, lease_expires_at = NULL, "
                        + "updated_at = @now WHERE workflow = @workflow AND version = @version AND " + Blockable,
                        tx);
                    Add(block, "@error", WorkflowStoreMessages.BlockedReason(key, registered));
                    Add(block, "@now", ToMs(now));
                    Add(block, "@workflow", key.Workflow);
                    Add(block, "@version", key.Version);
                    count += block.ExecuteNonQuery();
                }

                foreach (var key in toUnblock.Distinct())
                {
                    var unblock = Command(
                        "UPDATE runs SET status = 'Pending', error = NULL, wake_at = NULL, updated_at = @now "
                        + "WHERE workflow = @workflow AND version = @version AND status = 'Blocked'",
                        tx);
                    Add(unblock, "@now", ToMs(now));
                    Add(unblock, "@workflow", key.Workflow);
                    Add(unblock, "@version", key.Version);
                    count += unblock.ExecuteNonQuery();
                }

                return (count, toUnblock.Count > 0);
            },
            cancellationToken).ConfigureAwait(false);
        if (unblocked)
        {
            _work.Set();
        }

        return changed;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each run is archived (when <paramref name="archive"/> is given) and then deleted in its own transaction, so a crash
    /// mid-prune at worst archives a run twice. A run whose archive call throws is kept and the prune goes on; afterwards
    /// a <see cref="WorkflowStoreException"/> names the kept runs, its inner <see cref="AggregateException"/> holding the
    /// archive errors. Cancellation stops the prune and is not counted as an archive failure.
    /// </remarks>
    public async Task<WorkflowPruneResult> PruneAsync(DateTimeOffset finishedBefore, Func<ArchivedWorkflowRun, CancellationToken, Task>? archive = null, CancellationToken cancellationToken = default)
    {
        var before = ToMs(finishedBefore);
        var candidates = await ReadAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText =
                    "SELECT r.run_id FROM runs AS r WHERE r.status IN " + FinishedStatuses + " AND r.completed_at < @before "
                    + "AND NOT EXISTS (SELECT 1 FROM runs AS p WHERE p.run_id = r.parent_run_id AND p.status NOT IN " + FinishedStatuses + ") "
                    + "ORDER BY r.completed_at, r.run_id";
                Add(command, "@before", before);
                var ids = new List<string>();
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                }

                return ids;
            },
            cancellationToken).ConfigureAwait(false);

        var deleted = 0;
        var archived = 0;
        var failures = new List<(string RunId, Exception Error)>();
        foreach (var runId in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (archive is not null)
            {
                var snapshot = await ReadAsync(connection => ReadArchive(connection, runId), cancellationToken).ConfigureAwait(false);
                if (snapshot is null)
                {
                    continue;
                }

                try
                {
                    await archive(snapshot, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // Any archive failure keeps the run and is reported after the others are pruned.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failures.Add((runId, ex));
                    continue;
                }

                archived++;
            }

            var removed = await WriteAsync(
                tx =>
                {
                    // Re-checked inside the transaction: the run may have been deleted or its parent restarted meanwhile.
                    var run = Command(
                        "DELETE FROM runs AS r WHERE r.run_id = @run_id AND r.status IN " + FinishedStatuses + " AND r.completed_at < @before "
                        + "AND NOT EXISTS (SELECT 1 FROM runs AS p WHERE p.run_id = r.parent_run_id AND p.status NOT IN " + FinishedStatuses + ")",
                        tx);
                    Add(run, "@run_id", runId);
                    Add(run, "@before", before);
                    if (run.ExecuteNonQuery() == 0)
                    {
                        return false;
                    }

                    var steps = Command("DELETE FROM steps WHERE run_id = @run_id", tx);
                    Add(steps, "@run_id", runId);
                    steps.ExecuteNonQuery();
                    var signals = Command("DELETE FROM signals WHERE run_id = @run_id", tx);
                    Add(signals, "@run_id", runId);
                    signals.ExecuteNonQuery();
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            if (removed)
            {
                deleted++;
            }
        }

        if (failures.Count > 0)
        {
            throw WorkflowStoreMessages.ArchiveFailed(Description, deleted, failures);
        }

        return new WorkflowPruneResult(deleted, archived);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            _writeConnection?.Dispose();
            _writeConnection = null;
        }
        finally
        {
            _writeLock.Release();
        }

        // Close idle pooled read connections so the file is not held open after the store is gone.
        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    private static void AddLease(SqliteCommand command, WorkflowLease lease)
    {
        Add(command, "@run_id", lease.RunId);
        Add(command, "@epoch", lease.Epoch);
        Add(command, "@owner", lease.Owner);
    }

    private static void CheckStepBelongs(WorkflowLease lease, WorkflowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (!string.Equals(step.RunId, lease.RunId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Step {step.Position} '{step.Name}' belongs to run '{step.RunId}' but the lease is for run '{lease.RunId}'.",
                nameof(step));
        }
    }

    private static List<WorkflowStep> ReadSteps(SqliteConnection connection, string runId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + StepColumns + " FROM steps WHERE run_id = @run_id ORDER BY position, item";
        Add(command, "@run_id", runId);
        var steps = new List<WorkflowStep>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            steps.Add(SqliteWorkflowMapping.ReadStep(reader));
        }

        return steps;
    }

    private static List<WorkflowSignal> ReadSignals(SqliteConnection connection, string runId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + SignalColumns + " FROM signals WHERE run_id = @run_id ORDER BY sequence";
        Add(command, "@run_id", runId);
        var signals = new List<WorkflowSignal>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            signals.Add(SqliteWorkflowMapping.ReadSignal(reader));
        }

        return signals;
    }

    private static ArchivedWorkflowRun? ReadArchive(SqliteConnection connection, string runId)
    {
        // One read transaction: the run, its journal and its signals come from the same snapshot.
        using var tx = connection.BeginTransaction(deferred: true);
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT " + RunColumns + " FROM runs WHERE run_id = @run_id";
        Add(command, "@run_id", runId);
        WorkflowRun run;
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            run = SqliteWorkflowMapping.ReadRun(reader);
        }

        var archived = new ArchivedWorkflowRun(run, ReadSteps(connection, runId), ReadSignals(connection, runId));
        tx.Commit();
        return archived;
    }

    /// <summary>Checks the lease inside the write transaction; returns whether cancellation was requested.</summary>
    private bool Fence(SqliteTransaction tx, WorkflowLease lease)
    {
        var command = Command("SELECT lease_epoch, lease_owner, cancel_requested FROM runs WHERE run_id = @run_id", tx);
        Add(command, "@run_id", lease.RunId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new WorkflowLeaseLostException(lease.RunId, lease.Epoch, null);
        }

        var epoch = reader.GetInt64(0);
        var owner = reader.IsDBNull(1) ? null : reader.GetString(1);
        if (epoch != lease.Epoch || !string.Equals(owner, lease.Owner, StringComparison.Ordinal))
        {
            throw new WorkflowLeaseLostException(lease.RunId, lease.Epoch, epoch);
        }

        return reader.GetInt64(2) != 0;
    }

    private void UpsertStep(SqliteTransaction tx, WorkflowStep step)
    {
        var command = Command(
            "INSERT INTO steps (" + StepColumns + ") VALUES (@run_id, @position, @item, @name, @kind, @status, @output_json, "
            + "@error, @error_type, @attempts, @idempotency_key, @wake_at, @started_at, @completed_at) "
            + "ON CONFLICT (run_id, position, item) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
            + "status = excluded.status, output_json = excluded.output_json, error = excluded.error, "
            + "error_type = excluded.error_type, attempts = excluded.attempts, idempotency_key = excluded.idempotency_key, "
            + "wake_at = excluded.wake_at, started_at = excluded.started_at, completed_at = excluded.completed_at",
            tx);
        Add(command, "@run_id", step.RunId);
        Add(command, "@position", step.Position);
        Add(command, "@item", step.Item);
        Add(command, "@name", step.Name);
        Add(command, "@kind", step.Kind.ToString());
        Add(command, "@status", step.Status.ToString());
        Add(command, "@output_json", step.OutputJson);
        Add(command, "@error", step.Error);
        Add(command, "@error_type", step.ErrorType);
        Add(command, "@attempts", step.Attempts);
        Add(command, "@idempotency_key", step.IdempotencyKey);
        Add(command, "@wake_at", ToMs(step.WakeAt));
        Add(command, "@started_at", ToMs(step.StartedAt));
        Add(command, "@completed_at", ToMs(step.CompletedAt));
        command.ExecuteNonQuery();
    }

    private WorkflowRun? ReadRun(SqliteTransaction tx, string runId)
    {
        var command = Command("SELECT " + RunColumns + " FROM runs WHERE run_id = @run_id", tx);
        Add(command, "@run_id", runId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? SqliteWorkflowMapping.ReadRun(reader) : null;
    }

    private WorkflowRunStatus? ReadStatus(SqliteTransaction tx, string runId)
    {
        var command = Command("SELECT status FROM runs WHERE run_id = @run_id", tx);
        Add(command, "@run_id", runId);
        return command.ExecuteScalar() is string status ? Enum.Parse<WorkflowRunStatus>(status) : null;
    }

    /// <summary>Makes a suspended run claimable now (keeping an earlier wake time); returns whether it was suspended.</summary>
    private bool WakeSuspended(SqliteTransaction tx, string runId, DateTimeOffset now)
    {
        var command = Command("UPDATE runs SET " + WakeNow + ", updated_at = @now WHERE run_id = @run_id AND status = 'Suspended'", tx);
        Add(command, "@now", ToMs(now));
        Add(command, "@run_id", runId);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>A cached command on the write connection (its prepared statement is reused), with no parameters.</summary>
    private SqliteCommand Command(string sql, SqliteTransaction tx)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _writeConnection!.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = tx;
        command.Parameters.Clear();
        return command;
    }

    private async Task<T> WriteAsync<T>(Func<SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _writeConnection ?? throw NotInitialized();

            // BEGIN IMMEDIATE takes the file's write lock up front, so two processes never deadlock upgrading a read lock.
            // Microsoft.Data.Sqlite runs synchronously underneath; its async methods would add cost, not concurrency.
            using var tx = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
            var result = work(tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writeConnection is null)
        {
            throw NotInitialized();
        }

        using var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return work(connection);
    }

    private InvalidOperationException NotInitialized()
        => new($"The workflow store {Description} is not initialized; call InitializeAsync before using it.");
}
