using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Nines.Workflows;
using Nines.Workflows.Storage;
using Npgsql;

namespace Nines.Tests.Workflows.Storage;

[Collection("postgres")]
public sealed class PostgreSqlWorkflowStoreTests(PostgresClusterFixture postgres)
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan _lease = TimeSpan.FromSeconds(30);
    private static readonly WorkflowVersionKey _invoiceV1 = new("invoice", 1);
    private static readonly TimeSpan _generous = TimeSpan.FromSeconds(10);

    // ---- schema and connection ----

    [Fact]
    public async Task InitializeAsync_FreshSchema_RecordsVersionOne()
    {
        var schema = postgres.NewSchemaName();
        await using var store = postgres.NewStore(schema);

        await store.InitializeAsync();

        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".nines_schema_version WHERE version = 1"));
    }

    [Fact]
    public async Task InitializeAsync_Twice_ChangesNothing()
    {
        var schema = postgres.NewSchemaName();
        await using var store = postgres.NewStore(schema);
        await store.InitializeAsync();
        await store.CreateRunAsync(NewRun("r1"));

        await store.InitializeAsync();

        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".nines_schema_version"));
        Assert.NotNull(await store.GetRunAsync("r1"));
    }

    [Fact]
    public async Task InitializeAsync_EightInstancesAtOnce_MigrateOnce()
    {
        var schema = postgres.NewSchemaName();
        var stores = Enumerable.Range(0, 8).Select(_ => postgres.NewStore(schema)).ToList();

        await Task.WhenAll(stores.Select(store => store.InitializeAsync()));

        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".nines_schema_version"));
        for (var i = 0; i < stores.Count; i++)
        {
            Assert.True((await stores[i].CreateRunAsync(NewRun($"r{i}"))).Created);
        }

        Assert.Equal(8, (await stores[0].ListRunsAsync(new WorkflowRunQuery())).Count);
    }

    [Fact]
    public async Task InitializeAsync_SchemaFromNewerNines_RefusesAndChangesNothing()
    {
        var schema = postgres.NewSchemaName();
        await using (var first = postgres.NewStore(schema))
        {
            await first.InitializeAsync();
            await first.CreateRunAsync(NewRun("r1"));
        }

        await ExecuteAsync($"INSERT INTO \"{schema}\".nines_schema_version (version, description) VALUES (99, 'from the future')");
        await using var store = postgres.NewStore(schema);

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.InitializeAsync());

        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer Nines", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade", error.Message, StringComparison.Ordinal);
        Assert.Equal(2L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".nines_schema_version"));
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".runs"));
    }

    [Fact]
    public async Task InitializeAsync_ForeignSchemaOfTheSameName_RefusesAndChangesNothing()
    {
        var schema = postgres.NewSchemaName();
        await ExecuteAsync($"CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".invoices (id int)");
        await using var store = postgres.NewStore(schema);

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.InitializeAsync());

        Assert.Contains("not a Nines workflow store", error.Message, StringComparison.Ordinal);
        Assert.Contains("invoices", error.Message, StringComparison.Ordinal);
        Assert.Contains("SchemaName", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
    }

    [Fact]
    public async Task InitializeAsync_EmptySchemaCreatedByAnAdministrator_IsAdopted()
    {
        var schema = postgres.NewSchemaName();
        await ExecuteAsync($"CREATE SCHEMA \"{schema}\"");
        await using var store = postgres.NewStore(schema);

        await store.InitializeAsync();

        Assert.True((await store.CreateRunAsync(NewRun("r1"))).Created);
    }

    [Fact]
    public async Task InitializeAsync_UnreachableServer_NamesHostAndPortButNotThePassword()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var connectionString = $"Host=127.0.0.1;Port={port};Username=nines;Password=hunter2-secret;Database=app;Timeout=3";
        await using var store = new PostgreSqlWorkflowStore(new PostgreSqlWorkflowStoreOptions { ConnectionString = connectionString });

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.InitializeAsync());

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check that the server is running", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgreSqlWorkflowStore(new PostgreSqlWorkflowStoreOptions { SchemaName = "Drop Table" }));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("SchemaName 'Drop Table'", error.Message, StringComparison.Ordinal);
    }

    // ---- runs ----

    [Fact]
    public async Task CreateRunAsync_NewId_StoresPendingRunWithExactTimes()
    {
        await using var store = await NewStoreAsync();
        var created = _t0.AddTicks(123_4560); // microsecond precision survives

        var (run, isNew) = await store.CreateRunAsync(NewRun("r1", createdAt: created) with { InputJson = "{\"amount\":5}", ParentRunId = "p" });

        Assert.True(isNew);
        Assert.Equal(WorkflowRunStatus.Pending, run.Status);
        Assert.Equal(created, run.CreatedAt);
        Assert.Equal(created, run.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, run.CreatedAt.Offset);
        Assert.Equal(0, run.LeaseEpoch);
        Assert.Equal(run, await store.GetRunAsync("r1"));
        Assert.Equal("{\"amount\":5}", run.InputJson);
        Assert.Equal("p", run.ParentRunId);
    }

    [Fact]
    public async Task CreateRunAsync_ExistingId_ReturnsTheExistingRun()
    {
        await using var store = await NewStoreAsync();
        var (first, _) = await store.CreateRunAsync(NewRun("r1") with { InputJson = "1" });

        var (again, created) = await store.CreateRunAsync(NewRun("r1", createdAt: _t0.AddHours(1)) with { InputJson = "2" });

        Assert.False(created);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task CreateRunAsync_IdTakenByAnotherWorkflow_Throws()
    {
        await using var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("r1"));

        var error = await Assert.ThrowsAsync<WorkflowRunStateException>(() => store.CreateRunAsync(NewRun("r1", workflow: "refund")));

        Assert.Equal("r1", error.RunId);
        Assert.Contains("invoice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRunAsync_SameIdFromManyCallersAtOnce_CreatesExactlyOnce()
    {
        await using var store = await NewStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => store.CreateRunAsync(NewRun("r1"))));

        Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal("r1", r.Run.RunId));
    }

    [Fact]
    public async Task GetRunAsync_UnknownId_ReturnsNull()
    {
        await using var store = await NewStoreAsync();

        Assert.Null(await store.GetRunAsync("nope"));
    }

    [Fact]
    public async Task ListRunsAsync_Filters_ApplyNewestFirstWithPaging()
    {
        await using var store = await NewStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.CreateRunAsync(NewRun($"r{i}", createdAt: _t0.AddMinutes(i)));
        }

        await store.CreateRunAsync(NewRun("refund-1", workflow: "refund", createdAt: _t0.AddMinutes(10)) with { ParentRunId = "r0" });
        var claim = Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddMinutes(20), maxRuns: 1)));

        Assert.Equal(["refund-1", "r4", "r3", "r2", "r1", "r0"], (await store.ListRunsAsync(new WorkflowRunQuery())).Select(r => r.RunId));
        Assert.Equal(["r3", "r2"], (await store.ListRunsAsync(new WorkflowRunQuery { Workflow = "invoice", Limit = 2, Offset = 1 })).Select(r => r.RunId));
        Assert.Equal(["refund-1"], (await store.ListRunsAsync(new WorkflowRunQuery { ParentRunId = "r0" })).Select(r => r.RunId));
        Assert.Equal([claim.Run.RunId], (await store.ListRunsAsync(new WorkflowRunQuery { Statuses = [WorkflowRunStatus.Running] })).Select(r => r.RunId));
        Assert.Equal(["r2", "r1"], (await store.ListRunsAsync(new WorkflowRunQuery { CreatedAfter = _t0.AddMinutes(1), CreatedBefore = _t0.AddMinutes(3) })).Select(r => r.RunId));
    }

    // ---- claims ----

    [Fact]
    public async Task ClaimRunsAsync_PendingRuns_ClaimsOldestFirstWithNewEpochAndLease()
    {
        await using var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("late", createdAt: _t0.AddMinutes(2)));
        await store.CreateRunAsync(NewRun("early", createdAt: _t0));
        await store.CreateRunAsync(NewRun("middle", createdAt: _t0.AddMinutes(1)));
        var now = _t0.AddMinutes(5);

        var claims = await store.ClaimRunsAsync(ClaimRequest("worker-a", now, maxRuns: 2));

        Assert.Equal(["early", "middle"], claims.Select(c => c.Run.RunId));
        Assert.All(claims, claim =>
        {
            Assert.Equal(WorkflowRunStatus.Running, claim.Run.Status);
            Assert.Equal(1, claim.Run.LeaseEpoch);
            Assert.Equal("worker-a", claim.Run.LeaseOwner);
            Assert.Equal(now + _lease, claim.Run.LeaseExpiresAt);
            Assert.Equal(new WorkflowLease(claim.Run.RunId, "worker-a", 1), claim.Lease);
            Assert.False(claim.TakenOver);
        });
        Assert.Equal(claims[0].Run, await store.GetRunAsync("early"));
        Assert.Equal(WorkflowRunStatus.Pending, (await store.GetRunAsync("late"))!.Status);
    }

    [Fact]
    public async Task ClaimRunsAsync_UnregisteredVersion_IsNotClaimed()
    {
        await using var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("v2", version: 2));
        await store.CreateRunAsync(NewRun("other", workflow: "refund"));

        Assert.Empty(await store.ClaimRunsAsync(ClaimRequest("w", _t0)));
        Assert.Empty(await store.ClaimRunsAsync(ClaimRequest("w", _t0) with { Registrations = [] }));
        Assert.Equal("v2", Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0) with { Registrations = [new("invoice", 2)] })).Run.RunId);
    }

    [Fact]
    public async Task ClaimRunsAsync_SuspendedRun_IsClaimedOnlyOnceItsWakeTimeCame()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = _t0.AddHours(1), Now = _t0.AddSeconds(1) });

        Assert.Empty(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddMinutes(59))));
        var claim = Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddHours(1))));

        Assert.Equal(2, claim.Run.LeaseEpoch);
        Assert.Null(claim.Run.WakeAt);
        Assert.False(claim.TakenOver);
    }

    [Fact]
    public async Task ClaimRunsAsync_RunningRunWithExpiredLease_IsTakenOver()
    {
        await using var store = await NewStoreAsync();
        await CreateAndClaimAsync(store, "r1", worker: "a");

        Assert.Empty(await store.ClaimRunsAsync(ClaimRequest("b", _t0 + _lease - TimeSpan.FromTicks(10))));
        var claim = Assert.Single(await store.ClaimRunsAsync(ClaimRequest("b", _t0 + _lease)));

        Assert.True(claim.TakenOver);
        Assert.Equal(2, claim.Lease.Epoch);
        Assert.Equal("b", claim.Run.LeaseOwner);
    }

    [Fact]
    public async Task ClaimRunsAsync_FinishedAndBlockedRuns_AreNeverClaimed()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "done");
        await store.CompleteRunAsync(lease, new WorkflowRunCompletion { Status = WorkflowRunStatus.Completed, OutputJson = "1", Now = _t0 });
        await store.CreateRunAsync(NewRun("blocked", version: 7));
        await store.RegisterWorkerAsync(new WorkerRegistration("w", [_invoiceV1], _t0));
        await store.UpdateBlockedRunsAsync(_t0, _t0);

        Assert.Empty(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddDays(1)) with { Registrations = [_invoiceV1, new("invoice", 7)] }));
    }

    [Fact]
    public async Task ClaimRunsAsync_ManyStoresClaimingAtOnce_NeverClaimTheSameRunTwice()
    {
        var schema = postgres.NewSchemaName();
        var stores = Enumerable.Range(0, 8).Select(_ => postgres.NewStore(schema)).ToList();
        await stores[0].InitializeAsync();
        const int Runs = 200;
        for (var i = 0; i < Runs; i++)
        {
            await stores[0].CreateRunAsync(NewRun($"r{i:D3}", createdAt: _t0.AddMilliseconds(i)));
        }

        var claimsPerWorker = await Task.WhenAll(stores.Select((store, index) => Task.Run(async () =>
        {
            var mine = new List<WorkflowClaim>();
            while (true)
            {
                var batch = await store.ClaimRunsAsync(ClaimRequest($"worker-{index}", _t0.AddMinutes(1), maxRuns: 3));
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch);
            }
        })));

        var all = claimsPerWorker.SelectMany(c => c).ToList();
        Assert.Equal(Runs, all.Count);
        Assert.Equal(Runs, all.Select(c => c.Run.RunId).Distinct().Count());
        Assert.All(all, c => Assert.Equal(1, c.Lease.Epoch));
        Assert.True(claimsPerWorker.Count(c => c.Count > 0) > 1, "more than one worker should have claimed something");
    }

    // ---- fencing ----

    [Fact]
    public async Task FencedWrites_AfterTakeover_ThrowLeaseLostAndChangeNothing()
    {
        await using var store = await NewStoreAsync();
        var old = await CreateAndClaimAsync(store, "r1", worker: "a");
        await store.SaveStepsAsync(old, [Step("r1", 0, "charge")]);
        await store.SendSignalAsync("r1", "approve", "true", _t0);
        var takeover = Assert.Single(await store.ClaimRunsAsync(ClaimRequest("b", _t0.AddMinutes(5))));
        var before = await SnapshotAsync(store, "r1");

        var save = await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SaveStepsAsync(old, [Step("r1", 0, "charge", output: "\"stale\""), Step("r1", 1, "ship")]));
        await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.TryConsumeSignalAsync(old, "approve", Step("r1", 1, "approve", kind: StepKind.Signal)));
        await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SuspendRunAsync(old, new WorkflowSuspension { WaitingFor = "timer", WakeAt = _t0.AddDays(1), Now = _t0.AddMinutes(6) }));
        await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.CompleteRunAsync(old, new WorkflowRunCompletion { Status = WorkflowRunStatus.Failed, Error = "stale", Now = _t0.AddMinutes(6) }));
        await store.ReleaseLeaseAsync(old, _t0.AddMinutes(6));
        var renewal = await store.RenewLeaseAsync(old, _t0.AddHours(1));

        Assert.Equal("r1", save.RunId);
        Assert.Equal(1, save.Epoch);
        Assert.Equal(2, save.CurrentEpoch);
        Assert.False(renewal.Held);
        Assert.Equal(before, await SnapshotAsync(store, "r1"));
        Assert.Equal(takeover.Run, await store.GetRunAsync("r1"));
    }

    [Fact]
    public async Task SaveStepsAsync_RunThatDoesNotExist_ThrowsLeaseLostWithoutCurrentEpoch()
    {
        await using var store = await NewStoreAsync();

        var error = await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SaveStepsAsync(new WorkflowLease("ghost", "a", 1), [Step("ghost", 0, "x")]));

        Assert.Null(error.CurrentEpoch);
        Assert.Empty(await store.GetStepsAsync("ghost"));
    }

    [Fact]
    public async Task SaveStepsAsync_NoEntries_ChecksTheLeaseAnyway()
    {
        await using var store = await NewStoreAsync();
        var old = await CreateAndClaimAsync(store, "r1", worker: "a");
        await store.SaveStepsAsync(old, []);
        Assert.Single(await store.ClaimRunsAsync(ClaimRequest("b", _t0.AddMinutes(5))));

        var error = await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SaveStepsAsync(old, []));

        Assert.Equal(2, error.CurrentEpoch);
    }

    [Fact]
    public async Task SaveStepsAsync_KeptConnectionKilledByTheServer_ALaterSaveOpensAnother()
    {
        // A lone save goes out on a connection the store keeps open; when the server ends it, at most the save that
        // finds it dead fails, and the next one gets through on a fresh connection.
        var schema = postgres.NewSchemaName();
        await using var store = postgres.NewStore(schema);
        await store.InitializeAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.SaveStepsAsync(lease, [Step("r1", 0, "charge")]);
        await using (var admin = new NpgsqlConnection(postgres.ConnectionString))
        {
            await admin.OpenAsync();
            using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE $1", admin);
            kill.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"%INSERT INTO \"{schema}\".steps%" });
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1, "the kept connection's backend should have been found and ended");
        }

        var failures = 0;
        for (var position = 1; position <= 2; position++)
        {
            try
            {
                await store.SaveStepsAsync(lease, [Step("r1", position, "s")]);
            }
            catch (NpgsqlException) when (position == 1)
            {
                failures++;
                await store.SaveStepsAsync(lease, [Step("r1", position, "s")]);
            }
        }

        Assert.InRange(failures, 0, 1);
        Assert.Equal([0, 1, 2], (await store.GetStepsAsync("r1")).Select(s => s.Position));
    }

    [Fact]
    public async Task SaveStepsAsync_WhileAnotherWorkerTakesOver_NeverLandsAStepAfterTheClaim()
    {
        // The writer keeps saving under its lease while a second worker takes the run over; once the takeover is
        // visible no later write of the old lease may succeed, and every step that did land was written before it.
        await using var store = await NewStoreAsync();
        var old = await CreateAndClaimAsync(store, "r1", worker: "a");
        var takeoverDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            var saved = 0;
            for (var position = 0; position < 10_000; position++)
            {
                var sawTakeover = takeoverDone.Task.IsCompleted;
                try
                {
                    await store.SaveStepsAsync(old, [Step("r1", position, "s")]);
                    Assert.False(sawTakeover, "a write after the takeover committed must be rejected");
                    saved++;
                }
                catch (WorkflowLeaseLostException)
                {
                    return saved;
                }
            }

            return saved;
        });

        // The claim skips the row while a write holds it (SKIP LOCKED), so it may take a few tries.
        WorkflowClaim? claim = null;
        for (var attempt = 0; claim is null && attempt < 10_000; attempt++)
        {
            claim = (await store.ClaimRunsAsync(ClaimRequest("b", _t0.AddMinutes(5)))).SingleOrDefault();
        }

        takeoverDone.SetResult();
        var savedByOld = await writer.WaitAsync(_generous);

        Assert.True(claim!.TakenOver);
        Assert.Equal(savedByOld, (await store.GetStepsAsync("r1")).Count);
    }

    [Fact]
    public async Task SaveStepsAsync_ConcurrentSavesOfHeldAndLostLeases_EachIsFencedOnItsOwn()
    {
        // With group commit these saves share batches; a lost lease must fail only its own save.
        await using var store = await NewStoreAsync();
        var held = new List<WorkflowLease>();
        var lost = new List<WorkflowLease>();
        for (var i = 0; i < 10; i++)
        {
            held.Add(await CreateAndClaimAsync(store, $"held-{i}", worker: "a", createdAt: _t0.AddMinutes(10)));
        }

        for (var i = 0; i < 10; i++)
        {
            lost.Add(await CreateAndClaimAsync(store, $"lost-{i}", worker: "a"));
        }

        Assert.Equal(10, (await store.ClaimRunsAsync(ClaimRequest("b", _t0.AddMinutes(5), maxRuns: 100))).Count);

        var saves = held.Concat(lost).Select(lease => store.SaveStepsAsync(lease, [Step(lease.RunId, 0, "s")])).ToList();
        await Task.WhenAll(saves).ContinueWith(_ => { }, TaskScheduler.Default);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(saves[i].IsCompletedSuccessfully);
            Assert.Single(await store.GetStepsAsync($"held-{i}"));
            Assert.IsType<WorkflowLeaseLostException>(saves[10 + i].Exception?.InnerException);
            Assert.Empty(await store.GetStepsAsync($"lost-{i}"));
        }
    }

    [Fact]
    public async Task SaveStepsAsync_OneInvalidSaveAmongConcurrentOnes_FailsOnlyThatSave()
    {
        await using var store = await NewStoreAsync();
        var leases = new List<WorkflowLease>();
        for (var i = 0; i < 8; i++)
        {
            leases.Add(await CreateAndClaimAsync(store, $"r{i}", createdAt: _t0.AddSeconds(i)));
        }

        var saves = leases.Select((lease, i) => store.SaveStepsAsync(lease, [Step(lease.RunId, 0, i == 3 ? null! : "s")])).ToList();
        await Task.WhenAll(saves).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.IsType<PostgresException>(saves[3].Exception?.InnerException);
        Assert.Empty(await store.GetStepsAsync("r3"));
        foreach (var i in new[] { 0, 1, 2, 4, 5, 6, 7 })
        {
            Assert.True(saves[i].IsCompletedSuccessfully);
            Assert.Single(await store.GetStepsAsync($"r{i}"));
        }
    }

    [Fact]
    public async Task SaveStepsAsync_WithoutGroupCommit_WritesAndFencesTheSame()
    {
        await using var store = postgres.NewStore(configure: options => options.GroupCommit = false);
        await store.InitializeAsync();
        var old = await CreateAndClaimAsync(store, "r1", worker: "a");
        await store.SaveStepsAsync(old, [Step("r1", 0, "a")]);
        Assert.Single(await store.ClaimRunsAsync(ClaimRequest("b", _t0.AddMinutes(5))));

        var error = await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SaveStepsAsync(old, [Step("r1", 1, "b")]));

        Assert.Equal(2, error.CurrentEpoch);
        Assert.Equal("a", Assert.Single(await store.GetStepsAsync("r1")).Name);
    }

    // ---- leases ----

    [Fact]
    public async Task RenewLeaseAsync_HeldLease_ExtendsItAndReportsCancellation()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");

        var first = await store.RenewLeaseAsync(lease, _t0.AddMinutes(2));
        await store.RequestCancelAsync("r1", _t0.AddMinutes(1));
        var second = await store.RenewLeaseAsync(lease, _t0.AddMinutes(3));

        Assert.Equal(new LeaseRenewal(Held: true, CancelRequested: false), first);
        Assert.Equal(new LeaseRenewal(Held: true, CancelRequested: true), second);
        Assert.Equal(_t0.AddMinutes(3), (await store.GetRunAsync("r1"))!.LeaseExpiresAt);
    }

    [Fact]
    public async Task ReleaseLeaseAsync_HeldLease_MakesTheRunPendingForAnyWorker()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1", worker: "a");

        await store.ReleaseLeaseAsync(lease, _t0.AddSeconds(5));

        var run = (await store.GetRunAsync("r1"))!;
        Assert.Equal(WorkflowRunStatus.Pending, run.Status);
        Assert.Null(run.LeaseOwner);
        Assert.Null(run.LeaseExpiresAt);
        Assert.Equal(_t0.AddSeconds(5), run.UpdatedAt);
        var claim = Assert.Single(await store.ClaimRunsAsync(ClaimRequest("b", _t0.AddSeconds(6))));
        Assert.Equal(2, claim.Lease.Epoch);
        Assert.False(claim.TakenOver);
    }

    // ---- steps ----

    [Fact]
    public async Task SaveStepsAsync_EntriesAndReplacements_ReadBackByPositionThenItem()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        var failed = Step("r1", 2, "pay", status: StepStatus.Failed) with { Error = "declined", ErrorType = "System.InvalidOperationException", Attempts = 3 };

        await store.SaveStepsAsync(lease, [Step("r1", 1, "map", kind: StepKind.Map, status: StepStatus.Started), Step("r1", 0, "load")]);
        await store.SaveStepsAsync(lease, [
            Step("r1", 1, "map", kind: StepKind.MapItem, item: 1),
            Step("r1", 1, "map", kind: StepKind.MapItem, item: 0),
            failed,
            Step("r1", 3, "sleep", kind: StepKind.Sleep, status: StepStatus.Started) with { WakeAt = _t0.AddHours(1), IdempotencyKey = "k-3" },
        ]);
        await store.SaveStepsAsync(lease, [Step("r1", 0, "load", output: "\"v1\""), Step("r1", 0, "load", output: "\"v2\"")]);

        var steps = await store.GetStepsAsync("r1");

        Assert.Equal([(0, -1), (1, -1), (1, 0), (1, 1), (2, -1), (3, -1)], steps.Select(s => (s.Position, s.Item)));
        Assert.Equal("\"v2\"", steps[0].OutputJson);
        Assert.Equal(failed, steps[4]);
        Assert.Equal(_t0.AddHours(1), steps[5].WakeAt);
        Assert.Equal("k-3", steps[5].IdempotencyKey);
        Assert.Equal(StepKind.Map, steps[1].Kind);
        Assert.Null(steps[5].CompletedAt);
    }

    // ---- signals ----

    [Fact]
    public async Task SendSignalAsync_SuspendedRun_RecordsItAndWakesTheRun()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "signal:approve", SignalName = "approve", Now = _t0.AddSeconds(1) });
        Assert.Empty(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddDays(1))));

        var signal = await store.SendSignalAsync("r1", "approve", "{\"ok\":true}", _t0.AddMinutes(1));

        Assert.Equal(new WorkflowSignal { Sequence = signal.Sequence, RunId = "r1", Name = "approve", PayloadJson = "{\"ok\":true}", SentAt = _t0.AddMinutes(1) }, signal);
        Assert.Equal(_t0.AddMinutes(1), (await store.GetRunAsync("r1"))!.WakeAt);
        Assert.Equal("r1", Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddMinutes(1)))).Run.RunId);
    }

    [Fact]
    public async Task SendSignalAsync_UnknownOrFinishedRun_Throws()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "done");
        await store.CompleteRunAsync(lease, new WorkflowRunCompletion { Status = WorkflowRunStatus.Completed, Now = _t0 });

        await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => store.SendSignalAsync("ghost", "s", "1", _t0));
        var error = await Assert.ThrowsAsync<WorkflowRunStateException>(() => store.SendSignalAsync("done", "s", "1", _t0));
        Assert.Equal(WorkflowRunStatus.Completed, error.Status);
        Assert.Empty(await store.GetSignalsAsync("done"));
    }

    [Fact]
    public async Task TryConsumeSignalAsync_PendingSignals_ConsumesOldestOfThatNameAndJournalsIt()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        var first = await store.SendSignalAsync("r1", "approve", "1", _t0.AddSeconds(1));
        await store.SendSignalAsync("r1", "other", "x", _t0.AddSeconds(2));
        await store.SendSignalAsync("r1", "approve", "2", _t0.AddSeconds(3));
        var wait = Step("r1", 4, "approve", kind: StepKind.Signal, status: StepStatus.Started) with { StartedAt = _t0.AddSeconds(10), CompletedAt = _t0.AddSeconds(11) };

        var consumed = await store.TryConsumeSignalAsync(lease, "approve", wait);

        Assert.Equal(first with { ConsumedAt = _t0.AddSeconds(11), ConsumedPosition = 4 }, consumed);
        var step = Assert.Single(await store.GetStepsAsync("r1"));
        Assert.Equal(wait with { Status = StepStatus.Completed, OutputJson = "1" }, step);
        var signals = await store.GetSignalsAsync("r1");
        Assert.Equal(["approve", "other", "approve"], signals.Select(s => s.Name));
        Assert.Equal([4, (int?)null, null], signals.Select(s => s.ConsumedPosition));
    }

    [Fact]
    public async Task TryConsumeSignalAsync_NoPendingSignal_ReturnsNullAndWritesNothing()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.SendSignalAsync("r1", "other", "x", _t0);

        Assert.Null(await store.TryConsumeSignalAsync(lease, "approve", Step("r1", 0, "approve", kind: StepKind.Signal)));
        Assert.Empty(await store.GetStepsAsync("r1"));
        Assert.Null(Assert.Single(await store.GetSignalsAsync("r1")).ConsumedAt);
    }

    // ---- suspend, complete, cancel ----

    [Fact]
    public async Task SuspendRunAsync_Timer_FreesTheLeaseAndWaitsUntilTheWakeTime()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");

        await store.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = _t0.AddHours(2), Now = _t0.AddSeconds(3) });

        var run = (await store.GetRunAsync("r1"))!;
        Assert.Equal(WorkflowRunStatus.Suspended, run.Status);
        Assert.Equal(_t0.AddHours(2), run.WakeAt);
        Assert.Equal("timer", run.WaitingFor);
        Assert.Null(run.LeaseOwner);
        Assert.Equal(1, run.LeaseEpoch);
        Assert.Equal(_t0.AddHours(2), await store.GetNextWakeAsync([_invoiceV1]));
        Assert.Null(await store.GetNextWakeAsync([new("invoice", 2)]));
        await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SaveStepsAsync(lease, [Step("r1", 0, "late")]));
    }

    [Fact]
    public async Task SuspendRunAsync_SignalAlreadyPending_WakesAtOnce()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.SendSignalAsync("r1", "approve", "1", _t0.AddSeconds(1));

        await store.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "signal:approve", SignalName = "approve", WakeAt = _t0.AddDays(3), Now = _t0.AddSeconds(2) });

        Assert.Equal(_t0.AddSeconds(2), (await store.GetRunAsync("r1"))!.WakeAt);
        Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddSeconds(2))));
    }

    [Fact]
    public async Task CompleteRunAsync_ChildOfSuspendedParent_WakesTheParent()
    {
        await using var store = await NewStoreAsync();
        var parent = await CreateAndClaimAsync(store, "parent");
        await store.CreateRunAsync(NewRun("child", workflow: "refund", createdAt: _t0.AddSeconds(1)) with { ParentRunId = "parent" });
        await store.SuspendRunAsync(parent, new WorkflowSuspension { WaitingFor = "child:child", ChildRunId = "child", Now = _t0.AddSeconds(2) });
        Assert.Null((await store.GetRunAsync("parent"))!.WakeAt);
        var child = Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddSeconds(3)) with { Registrations = [new("refund", 1)] }));

        await store.CompleteRunAsync(child.Lease, new WorkflowRunCompletion { Status = WorkflowRunStatus.Completed, OutputJson = "42", Now = _t0.AddSeconds(4) });

        var finished = (await store.GetRunAsync("child"))!;
        Assert.Equal(WorkflowRunStatus.Completed, finished.Status);
        Assert.Equal("42", finished.OutputJson);
        Assert.Equal(_t0.AddSeconds(4), finished.CompletedAt);
        Assert.Null(finished.LeaseOwner);
        Assert.Equal(_t0.AddSeconds(4), (await store.GetRunAsync("parent"))!.WakeAt);
        Assert.Equal("parent", Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddSeconds(4)))).Run.RunId);
    }

    [Fact]
    public async Task SuspendRunAsync_ChildAlreadyFinished_WakesAtOnce()
    {
        await using var store = await NewStoreAsync();
        var parent = await CreateAndClaimAsync(store, "parent");
        await store.CreateRunAsync(NewRun("child", workflow: "refund", createdAt: _t0.AddSeconds(1)) with { ParentRunId = "parent" });
        var child = Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddSeconds(2)) with { Registrations = [new("refund", 1)] }));
        await store.CompleteRunAsync(child.Lease, new WorkflowRunCompletion { Status = WorkflowRunStatus.Failed, Error = "boom", Now = _t0.AddSeconds(3) });

        await store.SuspendRunAsync(parent, new WorkflowSuspension { WaitingFor = "child:child", ChildRunId = "child", Now = _t0.AddSeconds(5) });

        Assert.Equal(_t0.AddSeconds(5), (await store.GetRunAsync("parent"))!.WakeAt);
    }

    [Fact]
    public async Task RequestCancelAsync_SuspendedRun_FlagsAndWakesIt()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = _t0.AddDays(1), Now = _t0.AddSeconds(1) });

        Assert.True(await store.RequestCancelAsync("r1", _t0.AddMinutes(1)));

        var run = (await store.GetRunAsync("r1"))!;
        Assert.True(run.CancelRequested);
        Assert.Equal(_t0.AddMinutes(1), run.WakeAt);
        Assert.True(Assert.Single(await store.ClaimRunsAsync(ClaimRequest("w", _t0.AddMinutes(1)))).Run.CancelRequested);
    }

    [Fact]
    public async Task RequestCancelAsync_FinishedOrUnknownRun_ReturnsFalseOrThrows()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.CompleteRunAsync(lease, new WorkflowRunCompletion { Status = WorkflowRunStatus.Cancelled, Error = "stop", Now = _t0 });

        Assert.False(await store.RequestCancelAsync("r1", _t0.AddMinutes(1)));
        Assert.False((await store.GetRunAsync("r1"))!.CancelRequested);
        await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => store.RequestCancelAsync("ghost", _t0));
    }

    [Fact]
    public async Task RequestCancelAsync_CancellationAlreadyRequestedBeforeSuspend_SuspendWakesAtOnce()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "r1");
        await store.RequestCancelAsync("r1", _t0.AddSeconds(1));

        await store.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = _t0.AddDays(1), Now = _t0.AddSeconds(2) });

        Assert.Equal(_t0.AddSeconds(2), (await store.GetRunAsync("r1"))!.WakeAt);
    }

    // ---- blocked runs ----

    [Fact]
    public async Task UpdateBlockedRunsAsync_NoLiveWorkers_ChangesNothing()
    {
        await using var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("r1", version: 3));
        await store.RegisterWorkerAsync(new WorkerRegistration("old", [new("invoice", 1)], _t0));

        Assert.Equal(0, await store.UpdateBlockedRunsAsync(_t0.AddMinutes(10), liveSince: _t0.AddMinutes(5)));
        Assert.Equal(WorkflowRunStatus.Pending, (await store.GetRunAsync("r1"))!.Status);
    }

    [Fact]
    public async Task UpdateBlockedRunsAsync_VersionNoLiveWorkerHas_BlocksWithAReasonAndUnblocksWhenRegistered()
    {
        await using var store = await NewStoreAsync();
        var lease = await CreateAndClaimAsync(store, "suspended-v1", createdAt: _t0.AddSeconds(1));
        await store.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = _t0.AddHours(1), Now = _t0.AddSeconds(2) });
        await store.CreateRunAsync(NewRun("pending-v1"));
        await store.CreateRunAsync(NewRun("pending-v2", version: 2));
        await store.RegisterWorkerAsync(new WorkerRegistration("w-new", [new("invoice", 2), new("invoice", 3)], _t0.AddMinutes(1)));

        var blocked = await store.UpdateBlockedRunsAsync(_t0.AddMinutes(1), liveSince: _t0);

        Assert.Equal(2, blocked);
        var run = (await store.GetRunAsync("pending-v1"))!;
        Assert.Equal(WorkflowRunStatus.Blocked, run.Status);
        Assert.Contains("'invoice' version 1", run.Error, StringComparison.Ordinal);
        Assert.Contains("(live workers run: invoice v2, invoice v3)", run.Error, StringComparison.Ordinal);
        Assert.Contains("Register version 1 ([Workflow(\"invoice\", Version = 1)]) in a worker, or cancel the run.", run.Error, StringComparison.Ordinal);
        Assert.Equal(WorkflowRunStatus.Blocked, (await store.GetRunAsync("suspended-v1"))!.Status);
        Assert.Equal(WorkflowRunStatus.Pending, (await store.GetRunAsync("pending-v2"))!.Status);
        Assert.Equal(0, await store.UpdateBlockedRunsAsync(_t0.AddMinutes(1), liveSince: _t0));

        await store.RegisterWorkerAsync(new WorkerRegistration("w-old", [_invoiceV1], _t0.AddMinutes(2)));
        Assert.Equal(2, await store.UpdateBlockedRunsAsync(_t0.AddMinutes(2), liveSince: _t0));

        var unblocked = (await store.GetRunAsync("pending-v1"))!;
        Assert.Equal(WorkflowRunStatus.Pending, unblocked.Status);
        Assert.Null(unblocked.Error);
        var suspended = (await store.GetRunAsync("suspended-v1"))!;
        Assert.Equal(WorkflowRunStatus.Suspended, suspended.Status);
        Assert.Equal(_t0.AddHours(1), suspended.WakeAt);
    }

    [Fact]
    public async Task RequestCancelAsync_BlockedRun_CancelsItAtOnce()
    {
        await using var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("r1", version: 9));
        await store.RegisterWorkerAsync(new WorkerRegistration("w", [_invoiceV1], _t0));
        await store.UpdateBlockedRunsAsync(_t0, _t0);

        Assert.True(await store.RequestCancelAsync("r1", _t0.AddMinutes(1)));

        var run = (await store.GetRunAsync("r1"))!;
        Assert.Equal(WorkflowRunStatus.Cancelled, run.Status);
        Assert.Equal(_t0.AddMinutes(1), run.CompletedAt);
        Assert.Contains("invoice v9", run.Error, StringComparison.Ordinal);
    }

    // ---- prune ----

    [Fact]
    public async Task PruneAsync_OldFinishedRuns_AreArchivedAndDeletedWithTheirJournals()
    {
        await using var store = await NewStoreAsync();
        var old = await CreateAndClaimAsync(store, "old");
        await store.SaveStepsAsync(old, [Step("old", 0, "a")]);
        await store.SendSignalAsync("old", "s", "1", _t0);
        await store.CompleteRunAsync(old, new WorkflowRunCompletion { Status = WorkflowRunStatus.Completed, Now = _t0.AddDays(1) });
        var recent = await CreateAndClaimAsync(store, "recent", createdAt: _t0.AddSeconds(1));
        await store.CompleteRunAsync(recent, new WorkflowRunCompletion { Status = WorkflowRunStatus.Completed, Now = _t0.AddDays(20) });
        await store.CreateRunAsync(NewRun("unfinished", createdAt: _t0.AddSeconds(2)));
        var archived = new List<ArchivedWorkflowRun>();

        var result = await store.PruneAsync(_t0.AddDays(10), (run, _) =>
        {
            archived.Add(run);
            return Task.CompletedTask;
        });

        Assert.Equal(new WorkflowPruneResult(RunsDeleted: 1, RunsArchived: 1), result);
        var only = Assert.Single(archived);
        Assert.Equal("old", only.Run.RunId);
        Assert.Equal("a", Assert.Single(only.Steps).Name);
        Assert.Equal("s", Assert.Single(only.Signals).Name);
        Assert.Null(await store.GetRunAsync("old"));
        Assert.Empty(await store.GetStepsAsync("old"));
        Assert.Empty(await store.GetSignalsAsync("old"));
        Assert.NotNull(await store.GetRunAsync("recent"));
        Assert.NotNull(await store.GetRunAsync("unfinished"));
    }

    [Fact]
    public async Task PruneAsync_ArchiveThrowsOrParentUnfinished_KeepsTheRun()
    {
        await using var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("parent"));
        var child = await CreateAndClaimAsync(store, "child", workflow: "refund", createdAt: _t0.AddSeconds(1), parent: "parent");
        await store.CompleteRunAsync(child, new WorkflowRunCompletion { Status = WorkflowRunStatus.Completed, Now = _t0 });
        var failing = await CreateAndClaimAsync(store, "failing", createdAt: _t0.AddSeconds(2));
        await store.CompleteRunAsync(failing, new WorkflowRunCompletion { Status = WorkflowRunStatus.Failed, Error = "x", Now = _t0 });

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(
            () => store.PruneAsync(_t0.AddDays(1), (run, _) => throw new IOException("archive is down")));

        Assert.Contains("Pruned 0 run(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'failing': archive is down", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'child'", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(Assert.Single(Assert.IsType<AggregateException>(error.InnerException).InnerExceptions));
        Assert.NotNull(await store.GetRunAsync("child"));
        Assert.NotNull(await store.GetRunAsync("failing"));
        Assert.Equal(new WorkflowPruneResult(1, 0), await store.PruneAsync(_t0.AddDays(1)));
        Assert.NotNull(await store.GetRunAsync("child"));
    }

    // ---- waiting for work ----

    [Fact]
    public async Task WaitForWorkAsync_RunCreatedByAnotherStoreInstance_WakesAtOnce()
    {
        var schema = postgres.NewSchemaName();
        await using var worker = postgres.NewStore(schema);
        await using var client = postgres.NewStore(schema);
        await worker.InitializeAsync();
        await client.InitializeAsync();
        await worker.EnsureListeningAsync();

        var wait = worker.WaitForWorkAsync(TimeSpan.FromMinutes(10));
        Assert.False(wait.IsCompleted);
        await client.CreateRunAsync(NewRun("r1"));

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(_generous)));
    }

    [Fact]
    public async Task WaitForWorkAsync_SignalFromAnotherStoreInstance_WakesAtOnce()
    {
        var schema = postgres.NewSchemaName();
        await using var worker = postgres.NewStore(schema);
        await using var client = postgres.NewStore(schema);
        await worker.InitializeAsync();
        var lease = await CreateAndClaimAsync(worker, "r1");
        await worker.SuspendRunAsync(lease, new WorkflowSuspension { WaitingFor = "signal:go", SignalName = "go", Now = _t0 });
        await worker.EnsureListeningAsync();
        await worker.WaitForWorkAsync(TimeSpan.Zero); // consume anything earlier writes left behind

        var wait = worker.WaitForWorkAsync(TimeSpan.FromMinutes(10));
        await client.SendSignalAsync("r1", "go", "1", _t0.AddSeconds(1));

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(_generous)));
    }

    [Fact]
    public async Task WaitForWorkAsync_NothingHappens_ReturnsAfterMaxWait()
    {
        var time = new FakeTimeProvider(_t0);
        await using var store = postgres.NewStore(configure: options => options.TimeProvider = time);
        await store.InitializeAsync();
        await store.EnsureListeningAsync();

        var wait = store.WaitForWorkAsync(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(_generous)));
    }

    [Fact]
    public async Task WaitForWorkAsync_WorkArrivedWhileNobodyWaited_ReturnsAtOnce()
    {
        var time = new FakeTimeProvider(_t0);
        await using var store = postgres.NewStore(configure: options => options.TimeProvider = time);
        await store.InitializeAsync();
        await store.EnsureListeningAsync();
        await store.CreateRunAsync(NewRun("r1"));

        var wait = store.WaitForWorkAsync(TimeSpan.FromHours(1));

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(_generous)));
    }

    // ---- helpers ----

    private async Task<PostgreSqlWorkflowStore> NewStoreAsync()
    {
        var store = postgres.NewStore();
        await store.InitializeAsync();
        return store;
    }

    private static NewWorkflowRun NewRun(string id, string workflow = "invoice", int version = 1, DateTimeOffset? createdAt = null) => new()
    {
        RunId = id,
        Workflow = workflow,
        Version = version,
        CreatedAt = createdAt ?? _t0,
    };

    private static WorkflowClaimRequest ClaimRequest(string worker, DateTimeOffset now, int maxRuns = 10) => new()
    {
        WorkerId = worker,
        MaxRuns = maxRuns,
        LeaseDuration = _lease,
        Now = now,
        Registrations = [_invoiceV1],
    };

    private static async Task<WorkflowLease> CreateAndClaimAsync(
        IWorkflowStore store, string runId, string worker = "worker", string workflow = "invoice", DateTimeOffset? createdAt = null, string? parent = null)
    {
        await store.CreateRunAsync(NewRun(runId, workflow, createdAt: createdAt ?? _t0) with { ParentRunId = parent });
        var claims = await store.ClaimRunsAsync(ClaimRequest(worker, createdAt ?? _t0, maxRuns: 100) with { Registrations = [new(workflow, 1)] });
        return claims.Single(c => c.Run.RunId == runId).Lease;
    }

    private static WorkflowStep Step(
        string runId, int position, string name, StepKind kind = StepKind.Step, StepStatus status = StepStatus.Completed, string? output = "null", int item = -1) => new()
    {
        RunId = runId,
        Position = position,
        Item = item,
        Name = name,
        Kind = kind,
        Status = status,
        OutputJson = status == StepStatus.Completed ? output : null,
        Attempts = 1,
        StartedAt = _t0.AddSeconds(position),
        CompletedAt = status == StepStatus.Started ? null : _t0.AddSeconds(position).AddMilliseconds(250),
    };

    private static async Task<string> SnapshotAsync(IWorkflowStore store, string runId)
    {
        var run = await store.GetRunAsync(runId);
        var steps = await store.GetStepsAsync(runId);
        var signals = await store.GetSignalsAsync(runId);
        return string.Join("\n", new object?[] { run }.Concat(steps).Concat(signals));
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
