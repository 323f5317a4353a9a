using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows.Storage;

/// <summary>
/// The behaviour every <see cref="IWorkflowStore"/> must have. Each store's test class derives from this and supplies
/// fresh, empty, initialized stores; xUnit runs every test here against each of them.
/// </summary>
/// <remarks>Times are fixed UTC values in whole milliseconds (the precision every store keeps); nothing reads the clock.</remarks>
public abstract class WorkflowStoreConformanceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly WorkflowVersionKey V1 = new("approve-invoice", 1);
    protected static readonly WorkflowVersionKey V2 = new("approve-invoice", 2);
    protected static readonly WorkflowVersionKey Other = new("ship-order", 1);
    protected static readonly TimeSpan LeaseLength = TimeSpan.FromMinutes(1);

    private readonly List<IWorkflowStore> _stores = [];

    /// <summary>Creates a fresh, empty, initialized store; the base class disposes it after the test.</summary>
    protected abstract Task<IWorkflowStore> CreateStoreAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<IWorkflowStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync();
        _stores.Add(store);
        return store;
    }

    // ---- create, get, list ----

    [Fact]
    public async Task CreateRunAsync_NewId_CreatesPendingRunWithAllFields()
    {
        var store = await NewStoreAsync();

        var (run, created) = await store.CreateRunAsync(new NewWorkflowRun
        {
            RunId = "inv-1",
            Workflow = "approve-invoice",
            Version = 2,
            InputJson = """{"amount":42}""",
            ParentRunId = "parent-1",
            CreatedAt = T0,
        });

        Assert.True(created);
        Assert.Equal("inv-1", run.RunId);
        Assert.Equal("approve-invoice", run.Workflow);
        Assert.Equal(2, run.Version);
        Assert.Equal(WorkflowRunStatus.Pending, run.Status);
        Assert.Equal("""{"amount":42}""", run.InputJson);
        Assert.Equal("parent-1", run.ParentRunId);
        Assert.Equal(T0, run.CreatedAt);
        Assert.Equal(T0, run.UpdatedAt);
        Assert.Null(run.OutputJson);
        Assert.Null(run.Error);
        Assert.Null(run.CompletedAt);
        Assert.Null(run.LeaseOwner);
        Assert.Null(run.LeaseExpiresAt);
        Assert.Equal(0, run.LeaseEpoch);
        Assert.False(run.CancelRequested);
        Assert.Equal(run, await store.GetRunAsync("inv-1"));
    }

    [Fact]
    public async Task CreateRunAsync_SameIdTwice_ReturnsExistingRunAndDoesNotCreate()
    {
        var store = await NewStoreAsync();
        var (first, _) = await store.CreateRunAsync(NewRun("inv-1", input: "1"));

        var (second, created) = await store.CreateRunAsync(NewRun("inv-1", input: "2", createdAt: T0.AddMinutes(5)));

        Assert.False(created);
        Assert.Equal(first, second);
        Assert.Equal("1", (await store.GetRunAsync("inv-1"))!.InputJson);
        Assert.Single(await store.ListRunsAsync(new WorkflowRunQuery()));
    }

    [Fact]
    public async Task CreateRunAsync_UserTextWithQuotesAndUnicode_RoundTripsVerbatim()
    {
        var store = await NewStoreAsync();
        const string Id = "inv'; DROP TABLE runs; -- \"ü😀";
        const string Workflow = "wf 'quoted' ✓";

        await store.CreateRunAsync(NewRun(Id, Workflow, input: "\"it's\""));
        await store.SendSignalAsync(Id, "name'; --", "\"x\"", T0);

        var run = await store.GetRunAsync(Id);
        Assert.NotNull(run);
        Assert.Equal(Workflow, run.Workflow);
        Assert.Equal("\"it's\"", run.InputJson);
        Assert.Equal("name'; --", Assert.Single(await store.GetSignalsAsync(Id)).Name);
        Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, new WorkflowVersionKey(Workflow, 1))));
    }

    [Fact]
    public async Task GetRunAsync_UnknownId_ReturnsNull()
    {
        var store = await NewStoreAsync();

        Assert.Null(await store.GetRunAsync("nope"));
        Assert.Empty(await store.GetStepsAsync("nope"));
        Assert.Empty(await store.GetSignalsAsync("nope"));
    }

    [Fact]
    public async Task ListRunsAsync_Filters_SelectsByStatusWorkflowParentAndCreationTime()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("a", createdAt: T0));
        await store.CreateRunAsync(NewRun("b", createdAt: T0.AddMinutes(1), parent: "a"));
        await store.CreateRunAsync(NewRun("c", Other.Workflow, createdAt: T0.AddMinutes(2), parent: "a"));
        await store.CreateRunAsync(NewRun("d", createdAt: T0.AddMinutes(3)));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(10), V1) with { MaxRuns = 1 }));
        Assert.Equal("a", claim.Run.RunId);

        Assert.Equal(["d", "c", "b", "a"], Ids(await store.ListRunsAsync(new WorkflowRunQuery())));
        Assert.Equal(["a"], Ids(await store.ListRunsAsync(new WorkflowRunQuery { Statuses = [WorkflowRunStatus.Running] })));
        Assert.Equal(
            ["b", "a"],
            Ids(await store.ListRunsAsync(new WorkflowRunQuery { Statuses = [WorkflowRunStatus.Running, WorkflowRunStatus.Pending], CreatedBefore = T0.AddMinutes(3), Limit = 2, Offset = 1 })));
        Assert.Equal(["d", "c"], Ids(await store.ListRunsAsync(new WorkflowRunQuery { CreatedAfter = T0.AddMinutes(2) })));
        Assert.Equal(["b", "a"], Ids(await store.ListRunsAsync(new WorkflowRunQuery { CreatedBefore = T0.AddMinutes(2) })));
        Assert.Equal(["d", "b", "a"], Ids(await store.ListRunsAsync(new WorkflowRunQuery { Workflow = "approve-invoice" })));
        Assert.Equal(["c", "b"], Ids(await store.ListRunsAsync(new WorkflowRunQuery { ParentRunId = "a" })));
        Assert.Equal(["b"], Ids(await store.ListRunsAsync(new WorkflowRunQuery { ParentRunId = "a", Workflow = "approve-invoice" })));
        Assert.Equal(
            ["d", "c", "b"],
            Ids(await store.ListRunsAsync(new WorkflowRunQuery { Statuses = [WorkflowRunStatus.Pending] })));
        Assert.Empty(await store.ListRunsAsync(new WorkflowRunQuery { Statuses = [WorkflowRunStatus.Completed] }));
    }

    [Fact]
    public async Task ListRunsAsync_Paging_ReturnsNewestFirstPagesWithoutOverlap()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 7; i++)
        {
            await store.CreateRunAsync(NewRun($"run-{i}", createdAt: T0.AddSeconds(i)));
        }

        var page1 = Ids(await store.ListRunsAsync(new WorkflowRunQuery { Limit = 3 }));
        var page2 = Ids(await store.ListRunsAsync(new WorkflowRunQuery { Limit = 3, Offset = 3 }));
        var page3 = Ids(await store.ListRunsAsync(new WorkflowRunQuery { Limit = 3, Offset = 6 }));

        Assert.Equal(["run-6", "run-5", "run-4"], page1);
        Assert.Equal(["run-3", "run-2", "run-1"], page2);
        Assert.Equal(["run-0"], page3);
    }

    // ---- claims and leases ----

    [Fact]
    public async Task ClaimRunsAsync_PendingRun_RunsItUnderNewLease()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));

        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddSeconds(1), V1)));

        Assert.False(claim.TakenOver);
        Assert.Equal(new WorkflowLease("inv-1", "w1", 1), claim.Lease);
        Assert.Equal(WorkflowRunStatus.Running, claim.Run.Status);
        Assert.Equal(1, claim.Run.LeaseEpoch);
        Assert.Equal("w1", claim.Run.LeaseOwner);
        Assert.Equal(T0.AddSeconds(1) + LeaseLength, claim.Run.LeaseExpiresAt);
        Assert.Null(claim.Run.WakeAt);
        Assert.Equal(claim.Run, await store.GetRunAsync("inv-1"));
        Assert.Empty(await store.ClaimRunsAsync(Request("w2", T0.AddSeconds(2), V1)));
    }

    [Fact]
    public async Task ClaimRunsAsync_OnlyRegisteredVersions_LeavesOtherVersionsPending()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("v1-run", version: 1));
        await store.CreateRunAsync(NewRun("v2-run", version: 2));
        await store.CreateRunAsync(NewRun("ship", Other.Workflow));

        var claims = await store.ClaimRunsAsync(Request("w1", T0, V2) with { MaxRuns = 10 });

        Assert.Equal(["v2-run"], claims.Select(c => c.Run.RunId));
        Assert.Equal(WorkflowRunStatus.Pending, (await store.GetRunAsync("v1-run"))!.Status);
        Assert.Equal(WorkflowRunStatus.Pending, (await store.GetRunAsync("ship"))!.Status);
        Assert.Empty(await store.ClaimRunsAsync(Request("w1", T0) with { Registrations = [] }));
    }

    [Fact]
    public async Task ClaimRunsAsync_SeveralRunnable_ClaimsOldestFirstUpToMaxRuns()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("newest", createdAt: T0.AddMinutes(2)));
        await store.CreateRunAsync(NewRun("oldest", createdAt: T0));
        await store.CreateRunAsync(NewRun("middle", createdAt: T0.AddMinutes(1)));

        var first = await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(5), V1) with { MaxRuns = 2 });
        var second = await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(5), V1) with { MaxRuns = 2 });

        Assert.Equal(["oldest", "middle"], first.Select(c => c.Run.RunId));
        Assert.Equal(["newest"], second.Select(c => c.Run.RunId));
    }

    [Fact]
    public async Task ClaimRunsAsync_ManyConcurrentClaimers_NeverClaimTheSameRun()
    {
        var store = await NewStoreAsync();
        const int Runs = 40;
        for (var i = 0; i < Runs; i++)
        {
            await store.CreateRunAsync(NewRun($"run-{i:D2}", createdAt: T0.AddMilliseconds(i)));
        }

        var claimers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var mine = new List<WorkflowClaim>();
            while (true)
            {
                var claims = await store.ClaimRunsAsync(Request($"w{worker}", T0.AddSeconds(1), V1) with { MaxRuns = 3 });
                if (claims.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(claims);
            }
        }));
        var all = (await Task.WhenAll(claimers)).SelectMany(c => c).ToList();

        Assert.Equal(Runs, all.Count);
        Assert.Equal(Runs, all.Select(c => c.Run.RunId).Distinct().Count());
        Assert.All(all, c => Assert.Equal(1, c.Lease.Epoch));
        foreach (var claim in all)
        {
            var stored = await store.GetRunAsync(claim.Run.RunId);
            Assert.Equal(claim.Lease.Owner, stored!.LeaseOwner);
        }
    }

    [Fact]
    public async Task ClaimRunsAsync_LeaseNotYetExpired_DoesNotTakeOver()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        await store.ClaimRunsAsync(Request("w1", T0, V1));

        Assert.Empty(await store.ClaimRunsAsync(Request("w2", T0 + LeaseLength - TimeSpan.FromMilliseconds(1), V1)));
    }

    [Fact]
    public async Task ClaimRunsAsync_ExpiredLease_TakesOverWithNextEpoch()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var first = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));

        var second = Assert.Single(await store.ClaimRunsAsync(Request("w2", T0 + LeaseLength, V1)));

        Assert.True(second.TakenOver);
        Assert.Equal(first.Lease.Epoch + 1, second.Lease.Epoch);
        Assert.Equal("w2", second.Run.LeaseOwner);
        Assert.Equal(T0 + LeaseLength + LeaseLength, second.Run.LeaseExpiresAt);
    }

    [Fact]
    public async Task ClaimRunsAsync_EachClaim_RaisesEpochByOne()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var epochs = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddSeconds(i), V1)));
            epochs.Add(claim.Lease.Epoch);
            await store.ReleaseLeaseAsync(claim.Lease, T0.AddSeconds(i));
        }

        Assert.Equal([1L, 2L, 3L], epochs);
    }

    [Fact]
    public async Task ClaimRunsAsync_SuspendedRun_ClaimableOnlyFromItsWakeTime()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.SuspendRunAsync(claim.Lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddHours(1), Now = T0 });

        Assert.Empty(await store.ClaimRunsAsync(Request("w1", T0.AddHours(1).AddMilliseconds(-1), V1)));
        var woken = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddHours(1), V1)));

        Assert.False(woken.TakenOver);
        Assert.Equal(2, woken.Lease.Epoch);
        Assert.Null(woken.Run.WakeAt);
    }

    [Fact]
    public async Task ClaimRunsAsync_SuspendedWithoutWakeTime_NeverClaimedUntilWoken()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.SuspendRunAsync(claim.Lease, new WorkflowSuspension { WaitingFor = "signal:approval", SignalName = "approval", Now = T0 });

        Assert.Empty(await store.ClaimRunsAsync(Request("w1", T0.AddYears(10), V1)));
    }

    [Fact]
    public async Task ClaimRunsAsync_BlockedAndFinishedRuns_AreNeverClaimed()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("done"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CompleteRunAsync(claim.Lease, Completion(WorkflowRunStatus.Completed, T0));
        await store.CreateRunAsync(NewRun("blocked", version: 3));
        await store.RegisterWorkerAsync(new WorkerRegistration("w1", [V1], T0));
        Assert.Equal(1, await store.UpdateBlockedRunsAsync(T0, T0));

        var claims = await store.ClaimRunsAsync(Request("w1", T0.AddDays(1), V1, new WorkflowVersionKey("approve-invoice", 3)) with { MaxRuns = 10 });

        Assert.Empty(claims);
    }

    [Fact]
    public async Task RenewLeaseAsync_HeldLease_ExtendsExpiry()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));

        var renewal = await store.RenewLeaseAsync(claim.Lease, T0.AddMinutes(5));

        Assert.Equal(new LeaseRenewal(true, false), renewal);
        Assert.Equal(T0.AddMinutes(5), (await store.GetRunAsync("inv-1"))!.LeaseExpiresAt);
        Assert.Empty(await store.ClaimRunsAsync(Request("w2", T0.AddMinutes(4), V1)));
    }

    [Fact]
    public async Task RenewLeaseAsync_AfterTakeover_ReturnsNotHeldAndChangesNothing()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var old = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        var current = Assert.Single(await store.ClaimRunsAsync(Request("w2", T0 + LeaseLength, V1)));

        var renewal = await store.RenewLeaseAsync(old.Lease, T0.AddHours(1));

        Assert.False(renewal.Held);
        Assert.Equal(current.Run.LeaseExpiresAt, (await store.GetRunAsync("inv-1"))!.LeaseExpiresAt);
        Assert.False((await store.RenewLeaseAsync(old.Lease with { Owner = "w2" }, T0.AddHours(1))).Held);
        Assert.True((await store.RenewLeaseAsync(current.Lease, T0.AddHours(1))).Held);
    }

    [Fact]
    public async Task ReleaseLeaseAsync_HeldLease_MakesRunPendingForAnyWorker()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));

        await store.ReleaseLeaseAsync(claim.Lease, T0.AddSeconds(1));

        var run = await store.GetRunAsync("inv-1");
        Assert.Equal(WorkflowRunStatus.Pending, run!.Status);
        Assert.Null(run.LeaseOwner);
        Assert.Equal(T0.AddSeconds(1), run.UpdatedAt);
        var next = Assert.Single(await store.ClaimRunsAsync(Request("w2", T0.AddSeconds(1), V1)));
        Assert.Equal(2, next.Lease.Epoch);
    }

    [Fact]
    public async Task ReleaseLeaseAsync_LostLease_DoesNothing()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var old = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        var current = Assert.Single(await store.ClaimRunsAsync(Request("w2", T0 + LeaseLength, V1)));

        await store.ReleaseLeaseAsync(old.Lease, T0.AddMinutes(2));

        Assert.Equal(current.Run, await store.GetRunAsync("inv-1"));
    }

    // ---- fencing ----

    [Fact]
    public async Task SaveStepsAsync_AfterTakeover_ThrowsLeaseLostAndWritesNothing()
    {
        var (store, old, current) = await TakenOverRunAsync();
        var before = await SnapshotAsync(store, "inv-1");

        var error = await Assert.ThrowsAsync<WorkflowLeaseLostException>(
            () => store.SaveStepsAsync(old.Lease, [Step("inv-1", 1, "pay")]));

        Assert.Equal("inv-1", error.RunId);
        Assert.Equal(old.Lease.Epoch, error.Epoch);
        Assert.Equal(current.Lease.Epoch, error.CurrentEpoch);
        Assert.Equal(before, await SnapshotAsync(store, "inv-1"));
    }

    [Fact]
    public async Task SuspendRunAsync_AfterTakeover_ThrowsLeaseLostAndChangesNothing()
    {
        var (store, old, _) = await TakenOverRunAsync();
        var before = await SnapshotAsync(store, "inv-1");

        await Assert.ThrowsAsync<WorkflowLeaseLostException>(
            () => store.SuspendRunAsync(old.Lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddHours(1), Now = T0.AddMinutes(2) }));

        Assert.Equal(before, await SnapshotAsync(store, "inv-1"));
    }

    [Fact]
    public async Task CompleteRunAsync_AfterTakeover_ThrowsLeaseLostAndChangesNothing()
    {
        var (store, old, _) = await TakenOverRunAsync();
        var before = await SnapshotAsync(store, "inv-1");

        await Assert.ThrowsAsync<WorkflowLeaseLostException>(
            () => store.CompleteRunAsync(old.Lease, Completion(WorkflowRunStatus.Completed, T0.AddMinutes(2))));

        Assert.Equal(before, await SnapshotAsync(store, "inv-1"));
    }

    [Fact]
    public async Task TryConsumeSignalAsync_AfterTakeover_ThrowsLeaseLostAndSignalStaysPending()
    {
        var (store, old, _) = await TakenOverRunAsync();
        await store.SendSignalAsync("inv-1", "approval", "true", T0.AddMinutes(2));
        var before = await SnapshotAsync(store, "inv-1");

        await Assert.ThrowsAsync<WorkflowLeaseLostException>(
            () => store.TryConsumeSignalAsync(old.Lease, "approval", Step("inv-1", 1, "approval", StepKind.Signal)));

        Assert.Equal(before, await SnapshotAsync(store, "inv-1"));
        Assert.Null(Assert.Single(await store.GetSignalsAsync("inv-1")).ConsumedAt);
    }

    [Fact]
    public async Task SaveStepsAsync_AfterOwnSuspendOrCompletion_ThrowsLeaseLost()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CompleteRunAsync(claim.Lease, Completion(WorkflowRunStatus.Completed, T0));

        await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SaveStepsAsync(claim.Lease, [Step("inv-1", 0, "late")]));
        Assert.Empty(await store.GetStepsAsync("inv-1"));
    }

    [Fact]
    public async Task SaveStepsAsync_RunDeleted_ThrowsLeaseLostWithoutCurrentEpoch()
    {
        var store = await NewStoreAsync();

        var error = await Assert.ThrowsAsync<WorkflowLeaseLostException>(
            () => store.SaveStepsAsync(new WorkflowLease("ghost", "w1", 1), [Step("ghost", 0, "a")]));

        Assert.Null(error.CurrentEpoch);
    }

    // ---- journal ----

    [Fact]
    public async Task SaveStepsAsync_InsertThenReplace_RoundTripsEveryFieldInJournalOrder()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        var effect = new WorkflowStep
        {
            RunId = "inv-1",
            Position = 0,
            Name = "charge",
            Kind = StepKind.Effect,
            Status = StepStatus.Started,
            Attempts = 1,
            IdempotencyKey = "inv-1/charge",
            StartedAt = T0.AddMilliseconds(1),
        };
        var mapItem1 = Step("inv-1", 2, "lines", StepKind.MapItem) with { Item = 1, OutputJson = "\"b\"" };
        var mapItem0 = Step("inv-1", 2, "lines", StepKind.MapItem) with { Item = 0, OutputJson = "\"a\"" };
        var map = Step("inv-1", 2, "lines", StepKind.Map) with { Status = StepStatus.Started, CompletedAt = null };
        var failed = new WorkflowStep
        {
            RunId = "inv-1",
            Position = 1,
            Item = -1,
            Name = "sleep",
            Kind = StepKind.Sleep,
            Status = StepStatus.Failed,
            Error = "boom",
            ErrorType = "System.InvalidOperationException",
            Attempts = 3,
            WakeAt = T0.AddDays(1),
            StartedAt = T0.AddSeconds(1),
            CompletedAt = T0.AddSeconds(2),
        };
        await store.SaveStepsAsync(claim.Lease, [effect, mapItem1, failed, map, mapItem0]);
        var completedEffect = effect with { Status = StepStatus.Completed, OutputJson = """{"charged":true}""", Attempts = 2, CompletedAt = T0.AddSeconds(3) };

        await store.SaveStepsAsync(claim.Lease, [completedEffect]);

        Assert.Equal([completedEffect, failed, map, mapItem0, mapItem1], await store.GetStepsAsync("inv-1"));
    }

    // ---- signals ----

    [Fact]
    public async Task TryConsumeSignalAsync_TwoSignalsOfOneName_ConsumedOnceEachInSendOrder()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        var first = await store.SendSignalAsync("inv-1", "approval", "\"first\"", T0.AddSeconds(1));
        await store.SendSignalAsync("inv-1", "other", "\"other\"", T0.AddSeconds(2));
        var second = await store.SendSignalAsync("inv-1", "approval", "\"second\"", T0.AddSeconds(3));
        Assert.True(second.Sequence > first.Sequence);

        var got1 = await store.TryConsumeSignalAsync(claim.Lease, "approval", Step("inv-1", 3, "approval", StepKind.Signal, T0.AddSeconds(4)));
        var got2 = await store.TryConsumeSignalAsync(claim.Lease, "approval", Step("inv-1", 5, "approval", StepKind.Signal, T0.AddSeconds(5)));
        var got3 = await store.TryConsumeSignalAsync(claim.Lease, "approval", Step("inv-1", 6, "approval", StepKind.Signal, T0.AddSeconds(6)));

        Assert.Equal("\"first\"", got1!.PayloadJson);
        Assert.Equal(3, got1.ConsumedPosition);
        Assert.Equal(T0.AddSeconds(4), got1.ConsumedAt);
        Assert.Equal("\"second\"", got2!.PayloadJson);
        Assert.Equal(5, got2.ConsumedPosition);
        Assert.Null(got3);
        var steps = await store.GetStepsAsync("inv-1");
        Assert.Equal([3, 5], steps.Select(s => s.Position));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.Equal(["\"first\"", "\"second\""], steps.Select(s => s.OutputJson));
        var signals = await store.GetSignalsAsync("inv-1");
        Assert.Equal(["approval", "other", "approval"], signals.Select(s => s.Name));
        Assert.Equal([got1, signals[1], got2], signals);
        Assert.Null(signals[1].ConsumedAt);
    }

    [Fact]
    public async Task TryConsumeSignalAsync_NoPendingSignal_ReturnsNullAndWritesNothing()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.SendSignalAsync("inv-1", "other", "1", T0);

        var got = await store.TryConsumeSignalAsync(claim.Lease, "approval", Step("inv-1", 0, "approval", StepKind.Signal));

        Assert.Null(got);
        Assert.Empty(await store.GetStepsAsync("inv-1"));
        Assert.Null(Assert.Single(await store.GetSignalsAsync("inv-1")).ConsumedAt);
    }

    [Fact]
    public async Task SendSignalAsync_UnknownRun_ThrowsRunNotFound()
    {
        var store = await NewStoreAsync();

        var error = await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => store.SendSignalAsync("nope", "approval", "1", T0));

        Assert.Equal("nope", error.RunId);
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSignalAsync_FinishedRun_ThrowsRunStateAndRecordsNothing()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CompleteRunAsync(claim.Lease, Completion(WorkflowRunStatus.Failed, T0, error: "boom"));

        var error = await Assert.ThrowsAsync<WorkflowRunStateException>(() => store.SendSignalAsync("inv-1", "approval", "1", T0));

        Assert.Equal("inv-1", error.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, error.Status);
        Assert.Contains("inv-1", error.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetSignalsAsync("inv-1"));
    }

    [Fact]
    public async Task SendSignalAsync_SuspendedRun_WakesItNow()
    {
        var store = await NewStoreAsync();
        await SuspendedRunAsync(store, "inv-1", new WorkflowSuspension { WaitingFor = "signal:approval", SignalName = "approval", Now = T0 });

        var signal = await store.SendSignalAsync("inv-1", "approval", "true", T0.AddMinutes(1));

        Assert.Equal(T0.AddMinutes(1), signal.SentAt);
        Assert.Null(signal.ConsumedAt);
        Assert.Equal(T0.AddMinutes(1), (await store.GetRunAsync("inv-1"))!.WakeAt);
        Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(1), V1)));
    }

    [Fact]
    public async Task SendSignalAsync_SuspendedRunWithEarlierWake_KeepsEarlierWake()
    {
        var store = await NewStoreAsync();
        await SuspendedRunAsync(store, "inv-1", new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddMinutes(1), Now = T0 });

        await store.SendSignalAsync("inv-1", "approval", "true", T0.AddMinutes(5));

        Assert.Equal(T0.AddMinutes(1), (await store.GetRunAsync("inv-1"))!.WakeAt);
    }

    // ---- suspension and wake-ups ----

    [Fact]
    public async Task SuspendRunAsync_NothingHappenedYet_StoresWaitAndReleasesLease()
    {
        var store = await NewStoreAsync();

        await SuspendedRunAsync(store, "inv-1", new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddHours(2), Now = T0.AddSeconds(1) });

        var run = await store.GetRunAsync("inv-1");
        Assert.Equal(WorkflowRunStatus.Suspended, run!.Status);
        Assert.Equal(T0.AddHours(2), run.WakeAt);
        Assert.Equal("timer", run.WaitingFor);
        Assert.Null(run.LeaseOwner);
        Assert.Equal(T0.AddSeconds(1), run.UpdatedAt);
    }

    [Fact]
    public async Task SuspendRunAsync_SignalAlreadyPending_WakesNow()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.SendSignalAsync("inv-1", "approval", "true", T0.AddSeconds(1));

        await store.SuspendRunAsync(claim.Lease, new WorkflowSuspension { WaitingFor = "signal:approval", SignalName = "approval", WakeAt = T0.AddDays(1), Now = T0.AddSeconds(2) });

        Assert.Equal(T0.AddSeconds(2), (await store.GetRunAsync("inv-1"))!.WakeAt);
        Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddSeconds(2), V1)));
    }

    [Fact]
    public async Task SuspendRunAsync_OnlyConsumedOrOtherSignals_DoesNotWake()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.SendSignalAsync("inv-1", "approval", "true", T0);
        await store.SendSignalAsync("inv-1", "other", "true", T0);
        await store.TryConsumeSignalAsync(claim.Lease, "approval", Step("inv-1", 0, "approval", StepKind.Signal));

        await store.SuspendRunAsync(claim.Lease, new WorkflowSuspension { WaitingFor = "signal:approval", SignalName = "approval", Now = T0.AddSeconds(2) });

        Assert.Null((await store.GetRunAsync("inv-1"))!.WakeAt);
    }

    [Fact]
    public async Task SuspendRunAsync_ChildAlreadyFinished_WakesNow()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("parent"));
        var parent = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CreateRunAsync(NewRun("child", Other.Workflow, parent: "parent"));
        var child = Assert.Single(await store.ClaimRunsAsync(Request("w2", T0, Other)));
        await store.CompleteRunAsync(child.Lease, Completion(WorkflowRunStatus.Completed, T0.AddSeconds(1), output: "1"));

        await store.SuspendRunAsync(parent.Lease, new WorkflowSuspension { WaitingFor = "child:child", ChildRunId = "child", Now = T0.AddSeconds(2) });

        Assert.Equal(T0.AddSeconds(2), (await store.GetRunAsync("parent"))!.WakeAt);
    }

    [Fact]
    public async Task SuspendRunAsync_ChildStillRunning_DoesNotWake()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("parent"));
        var parent = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CreateRunAsync(NewRun("child", Other.Workflow, parent: "parent"));

        await store.SuspendRunAsync(parent.Lease, new WorkflowSuspension { WaitingFor = "child:child", ChildRunId = "child", Now = T0.AddSeconds(2) });

        Assert.Null((await store.GetRunAsync("parent"))!.WakeAt);
    }

    [Fact]
    public async Task SuspendRunAsync_CancelRequested_WakesNow()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        Assert.True(await store.RequestCancelAsync("inv-1", T0.AddSeconds(1)));

        await store.SuspendRunAsync(claim.Lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddDays(1), Now = T0.AddSeconds(2) });

        var run = await store.GetRunAsync("inv-1");
        Assert.Equal(T0.AddSeconds(2), run!.WakeAt);
        Assert.True(run.CancelRequested);
    }

    [Fact]
    public async Task CompleteRunAsync_ChildOfSuspendedParent_WakesParent()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("parent"));
        var parent = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CreateRunAsync(NewRun("child", Other.Workflow, parent: "parent"));
        await store.SuspendRunAsync(parent.Lease, new WorkflowSuspension { WaitingFor = "child:child", ChildRunId = "child", Now = T0 });
        var child = Assert.Single(await store.ClaimRunsAsync(Request("w2", T0, Other)));

        await store.CompleteRunAsync(child.Lease, Completion(WorkflowRunStatus.Completed, T0.AddMinutes(3), output: "\"ok\""));

        var finished = await store.GetRunAsync("child");
        Assert.Equal(WorkflowRunStatus.Completed, finished!.Status);
        Assert.Equal("\"ok\"", finished.OutputJson);
        Assert.Equal(T0.AddMinutes(3), finished.CompletedAt);
        Assert.Null(finished.LeaseOwner);
        Assert.Equal(T0.AddMinutes(3), (await store.GetRunAsync("parent"))!.WakeAt);
        Assert.Equal(["parent"], (await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(3), V1))).Select(c => c.Run.RunId));
    }

    [Fact]
    public async Task CompleteRunAsync_Failed_StoresErrorAndFinishes()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));

        await store.CompleteRunAsync(claim.Lease, Completion(WorkflowRunStatus.Failed, T0.AddSeconds(9), error: "card declined"));

        var run = await store.GetRunAsync("inv-1");
        Assert.Equal(WorkflowRunStatus.Failed, run!.Status);
        Assert.Equal("card declined", run.Error);
        Assert.Equal(T0.AddSeconds(9), run.CompletedAt);
        Assert.Equal(T0.AddSeconds(9), run.UpdatedAt);
    }

    // ---- cancellation ----

    [Fact]
    public async Task RequestCancelAsync_PendingRun_MarksItAndKeepsItClaimable()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));

        Assert.True(await store.RequestCancelAsync("inv-1", T0.AddSeconds(1)));

        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddSeconds(1), V1)));
        Assert.True(claim.Run.CancelRequested);
        Assert.Equal(new LeaseRenewal(true, true), await store.RenewLeaseAsync(claim.Lease, T0.AddMinutes(2)));
    }

    [Fact]
    public async Task RequestCancelAsync_SuspendedRun_WakesIt()
    {
        var store = await NewStoreAsync();
        await SuspendedRunAsync(store, "inv-1", new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddDays(3), Now = T0 });

        Assert.True(await store.RequestCancelAsync("inv-1", T0.AddMinutes(1)));

        var run = await store.GetRunAsync("inv-1");
        Assert.True(run!.CancelRequested);
        Assert.Equal(T0.AddMinutes(1), run.WakeAt);
        Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(1), V1)));
    }

    [Fact]
    public async Task RequestCancelAsync_RunningRun_ReportedByNextRenewal()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));

        Assert.True(await store.RequestCancelAsync("inv-1", T0.AddSeconds(1)));

        Assert.Equal(new LeaseRenewal(true, true), await store.RenewLeaseAsync(claim.Lease, T0.AddMinutes(2)));
        Assert.Equal(WorkflowRunStatus.Running, (await store.GetRunAsync("inv-1"))!.Status);
    }

    [Fact]
    public async Task RequestCancelAsync_BlockedRun_CancelsAtOnce()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1", version: 1));
        await store.RegisterWorkerAsync(new WorkerRegistration("w1", [V2], T0));
        await store.UpdateBlockedRunsAsync(T0, T0);

        Assert.True(await store.RequestCancelAsync("inv-1", T0.AddMinutes(1)));

        var run = await store.GetRunAsync("inv-1");
        Assert.Equal(WorkflowRunStatus.Cancelled, run!.Status);
        Assert.Equal(T0.AddMinutes(1), run.CompletedAt);
        Assert.False(string.IsNullOrEmpty(run.Error));
        Assert.True(run.CancelRequested);
    }

    [Fact]
    public async Task RequestCancelAsync_FinishedRun_ReturnsFalseAndChangesNothing()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CompleteRunAsync(claim.Lease, Completion(WorkflowRunStatus.Completed, T0));
        var before = await store.GetRunAsync("inv-1");

        Assert.False(await store.RequestCancelAsync("inv-1", T0.AddMinutes(1)));

        Assert.Equal(before, await store.GetRunAsync("inv-1"));
    }

    [Fact]
    public async Task RequestCancelAsync_UnknownRun_ThrowsRunNotFound()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => store.RequestCancelAsync("nope", T0));
    }

    // ---- blocked runs ----

    [Fact]
    public async Task UpdateBlockedRunsAsync_VersionNoLiveWorkerRuns_BlocksWithReasonNamingIt()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("old", version: 1));
        await store.CreateRunAsync(NewRun("new", version: 2));
        await store.RegisterWorkerAsync(new WorkerRegistration("w1", [V2], T0.AddMinutes(1)));

        var changed = await store.UpdateBlockedRunsAsync(T0.AddMinutes(1), T0);

        Assert.Equal(1, changed);
        var old = await store.GetRunAsync("old");
        Assert.Equal(WorkflowRunStatus.Blocked, old!.Status);
        Assert.Contains("'approve-invoice' version 1", old.Error, StringComparison.Ordinal);
        Assert.Contains("approve-invoice v2", old.Error, StringComparison.Ordinal);
        Assert.Contains("Version = 1", old.Error, StringComparison.Ordinal);
        Assert.Equal(WorkflowRunStatus.Pending, (await store.GetRunAsync("new"))!.Status);
    }

    [Fact]
    public async Task UpdateBlockedRunsAsync_VersionRegisteredAgain_UnblocksToPending()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("old", version: 1));
        await store.RegisterWorkerAsync(new WorkerRegistration("w1", [V2], T0));
        Assert.Equal(1, await store.UpdateBlockedRunsAsync(T0, T0));
        await store.RegisterWorkerAsync(new WorkerRegistration("w2", [V1], T0.AddMinutes(1)));

        var changed = await store.UpdateBlockedRunsAsync(T0.AddMinutes(1), T0);

        Assert.Equal(1, changed);
        var run = await store.GetRunAsync("old");
        Assert.Equal(WorkflowRunStatus.Pending, run!.Status);
        Assert.Null(run.Error);
        Assert.Single(await store.ClaimRunsAsync(Request("w2", T0.AddMinutes(1), V1)));
    }

    [Fact]
    public async Task UpdateBlockedRunsAsync_NoLiveWorkerAtAll_ChangesNothing()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        await store.RegisterWorkerAsync(new WorkerRegistration("stale", [V2], T0));

        Assert.Equal(0, await store.UpdateBlockedRunsAsync(T0.AddHours(1), T0.AddMinutes(30)));

        Assert.Equal(WorkflowRunStatus.Pending, (await store.GetRunAsync("inv-1"))!.Status);
    }

    [Fact]
    public async Task UpdateBlockedRunsAsync_OnlyStaleWorkerRegisteredIt_Blocks()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        await store.RegisterWorkerAsync(new WorkerRegistration("stale", [V1], T0));
        await store.RegisterWorkerAsync(new WorkerRegistration("live", [Other], T0.AddMinutes(40)));

        Assert.Equal(1, await store.UpdateBlockedRunsAsync(T0.AddHours(1), T0.AddMinutes(30)));

        Assert.Equal(WorkflowRunStatus.Blocked, (await store.GetRunAsync("inv-1"))!.Status);
    }

    [Fact]
    public async Task UpdateBlockedRunsAsync_SuspendedAndExpiredRunning_BlockedButLiveLeaseAndFinishedUntouched()
    {
        var store = await NewStoreAsync();
        await SuspendedRunAsync(store, "suspended", new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddDays(1), Now = T0 });
        await store.CreateRunAsync(NewRun("expired", createdAt: T0.AddMilliseconds(1)));
        Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.CreateRunAsync(NewRun("live", createdAt: T0.AddMilliseconds(2)));
        Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(10), V1)));
        await store.CreateRunAsync(NewRun("done", createdAt: T0.AddMilliseconds(3)));
        var done = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddMinutes(10), V1)));
        await store.CompleteRunAsync(done.Lease, Completion(WorkflowRunStatus.Completed, T0.AddMinutes(10)));
        await store.RegisterWorkerAsync(new WorkerRegistration("w2", [Other], T0.AddMinutes(10)));

        var changed = await store.UpdateBlockedRunsAsync(T0.AddMinutes(10).AddSeconds(1), T0.AddMinutes(5));

        Assert.Equal(2, changed);
        Assert.Equal(WorkflowRunStatus.Blocked, (await store.GetRunAsync("suspended"))!.Status);
        Assert.Equal(WorkflowRunStatus.Blocked, (await store.GetRunAsync("expired"))!.Status);
        Assert.Equal(WorkflowRunStatus.Running, (await store.GetRunAsync("live"))!.Status);
        Assert.Equal(WorkflowRunStatus.Completed, (await store.GetRunAsync("done"))!.Status);
    }

    // ---- prune ----

    [Fact]
    public async Task PruneAsync_OldFinishedRuns_DeletedWithStepsAndSignalsOthersKept()
    {
        var store = await NewStoreAsync();
        await FinishedRunAsync(store, "old-done", WorkflowRunStatus.Completed, T0);
        await FinishedRunAsync(store, "old-failed", WorkflowRunStatus.Failed, T0.AddMinutes(1));
        await FinishedRunAsync(store, "recent", WorkflowRunStatus.Completed, T0.AddDays(2));
        await store.CreateRunAsync(NewRun("pending", createdAt: T0.AddDays(-10)));

        var result = await store.PruneAsync(T0.AddDays(1));

        Assert.Equal(new WorkflowPruneResult(2, 0), result);
        Assert.Null(await store.GetRunAsync("old-done"));
        Assert.Null(await store.GetRunAsync("old-failed"));
        Assert.Empty(await store.GetStepsAsync("old-done"));
        Assert.Empty(await store.GetSignalsAsync("old-done"));
        Assert.NotNull(await store.GetRunAsync("recent"));
        Assert.NotEmpty(await store.GetStepsAsync("recent"));
        Assert.NotNull(await store.GetRunAsync("pending"));
    }

    [Fact]
    public async Task PruneAsync_ChildOfUnfinishedParent_Kept()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("parent", Other.Workflow, createdAt: T0.AddDays(-1)));
        await FinishedRunAsync(store, "child", WorkflowRunStatus.Completed, T0, parent: "parent");
        await FinishedRunAsync(store, "orphan", WorkflowRunStatus.Completed, T0, parent: "gone");

        var result = await store.PruneAsync(T0.AddDays(1));

        Assert.Equal(1, result.RunsDeleted);
        Assert.NotNull(await store.GetRunAsync("child"));
        Assert.Null(await store.GetRunAsync("orphan"));
    }

    [Fact]
    public async Task PruneAsync_WithArchive_HandsEachRunOverCompleteBeforeDeleting()
    {
        var store = await NewStoreAsync();
        await FinishedRunAsync(store, "inv-1", WorkflowRunStatus.Completed, T0);
        var expected = new ArchivedWorkflowRun(
            (await store.GetRunAsync("inv-1"))!,
            await store.GetStepsAsync("inv-1"),
            await store.GetSignalsAsync("inv-1"));
        var archived = new List<ArchivedWorkflowRun>();
        var existedWhileArchiving = false;

        var result = await store.PruneAsync(T0.AddDays(1), async (run, ct) =>
        {
            archived.Add(run);
            existedWhileArchiving = await store.GetRunAsync(run.Run.RunId, ct) is not null;
        });

        Assert.Equal(new WorkflowPruneResult(1, 1), result);
        var got = Assert.Single(archived);
        Assert.True(existedWhileArchiving);
        Assert.Equal(expected.Run, got.Run);
        Assert.Equal(expected.Steps, got.Steps);
        Assert.Equal(expected.Signals, got.Signals);
        Assert.NotEmpty(got.Steps);
        Assert.NotEmpty(got.Signals);
        Assert.Null(await store.GetRunAsync("inv-1"));
    }

    [Fact]
    public async Task PruneAsync_ArchiveThrows_KeepsThatRunPrunesOthersAndReports()
    {
        var store = await NewStoreAsync();
        await FinishedRunAsync(store, "good", WorkflowRunStatus.Completed, T0);
        await FinishedRunAsync(store, "bad", WorkflowRunStatus.Cancelled, T0.AddMinutes(1));

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.PruneAsync(
            T0.AddDays(1),
            (run, _) => run.Run.RunId == "bad" ? throw new IOException("disk full") : Task.CompletedTask));

        Assert.Contains("bad", error.Message, StringComparison.Ordinal);
        Assert.Contains("disk full", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.GetRunAsync("bad"));
        Assert.NotEmpty(await store.GetStepsAsync("bad"));
        Assert.Null(await store.GetRunAsync("good"));
    }

    // ---- wake times and waiting ----

    [Fact]
    public async Task GetNextWakeAsync_TimersAndLeases_ReturnsEarliestForRegisteredVersions()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetNextWakeAsync([V1]));
        await SuspendedRunAsync(store, "timer", new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddHours(3), Now = T0 });
        await store.CreateRunAsync(NewRun("leased", createdAt: T0.AddSeconds(1)));
        Assert.Single(await store.ClaimRunsAsync(Request("w1", T0.AddHours(1), V1)));
        await store.CreateRunAsync(NewRun("other", Other.Workflow));
        var other = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, Other)));
        await store.SuspendRunAsync(other.Lease, new WorkflowSuspension { WaitingFor = "timer", WakeAt = T0.AddMinutes(5), Now = T0 });

        Assert.Equal(T0.AddHours(1) + LeaseLength, await store.GetNextWakeAsync([V1]));
        Assert.Equal(T0.AddMinutes(5), await store.GetNextWakeAsync([V1, Other]));
        Assert.Null(await store.GetNextWakeAsync([V2]));
    }

    [Fact]
    public async Task WaitForWorkAsync_SignalSentWhileWaiting_ReturnsBeforeMaxWait()
    {
        var store = await NewStoreAsync();
        await SuspendedRunAsync(store, "inv-1", new WorkflowSuspension { WaitingFor = "signal:approval", SignalName = "approval", Now = T0 });
        await store.WaitForWorkAsync(TimeSpan.Zero);

        var wait = store.WaitForWorkAsync(TimeSpan.FromMinutes(5));
        await store.SendSignalAsync("inv-1", "approval", "true", T0.AddSeconds(1));

        // A guard, not a timing assertion: a broken wake-up fails here after 30 s instead of hanging for 5 minutes.
        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30))));
        await wait;
    }

    [Fact]
    public async Task WaitForWorkAsync_RunCreatedWhileWaiting_ReturnsBeforeMaxWait()
    {
        var store = await NewStoreAsync();
        await store.WaitForWorkAsync(TimeSpan.Zero);

        var wait = store.WaitForWorkAsync(TimeSpan.FromMinutes(5));
        await store.CreateRunAsync(NewRun("inv-1"));

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task WaitForWorkAsync_ZeroMaxWait_Returns()
    {
        var store = await NewStoreAsync();

        await store.WaitForWorkAsync(TimeSpan.Zero);
        await store.WaitForWorkAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task WaitForWorkAsync_Cancelled_Throws()
    {
        var store = await NewStoreAsync();
        await store.WaitForWorkAsync(TimeSpan.Zero);
        using var cancellation = new CancellationTokenSource();

        var wait = store.WaitForWorkAsync(TimeSpan.FromMinutes(5), cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    // ---- helpers ----

    protected static NewWorkflowRun NewRun(string runId, string workflow = "approve-invoice", int version = 1, string? input = null, string? parent = null, DateTimeOffset? createdAt = null)
        => new() { RunId = runId, Workflow = workflow, Version = version, InputJson = input, ParentRunId = parent, CreatedAt = createdAt ?? T0 };

    protected static WorkflowClaimRequest Request(string workerId, DateTimeOffset now, params WorkflowVersionKey[] registrations)
        => new() { WorkerId = workerId, MaxRuns = 1, LeaseDuration = LeaseLength, Now = now, Registrations = registrations };

    protected static WorkflowStep Step(string runId, int position, string name, StepKind kind = StepKind.Step, DateTimeOffset? at = null)
        => new()
        {
            RunId = runId,
            Position = position,
            Name = name,
            Kind = kind,
            Status = StepStatus.Completed,
            OutputJson = "1",
            Attempts = 1,
            StartedAt = at ?? T0,
            CompletedAt = at ?? T0,
        };

    protected static WorkflowRunCompletion Completion(WorkflowRunStatus status, DateTimeOffset now, string? output = null, string? error = null)
        => new() { Status = status, Now = now, OutputJson = output, Error = error };

    private static string[] Ids(IEnumerable<WorkflowRun> runs) => runs.Select(r => r.RunId).ToArray();

    private static async Task<(WorkflowRun? Run, string Steps, string Signals)> SnapshotAsync(IWorkflowStore store, string runId)
        => (await store.GetRunAsync(runId),
            string.Join("|", await store.GetStepsAsync(runId)),
            string.Join("|", await store.GetSignalsAsync(runId)));

    private async Task<(IWorkflowStore Store, WorkflowClaim Old, WorkflowClaim Current)> TakenOverRunAsync()
    {
        var store = await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var old = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.SaveStepsAsync(old.Lease, [Step("inv-1", 0, "fetch")]);
        var current = Assert.Single(await store.ClaimRunsAsync(Request("w2", T0 + LeaseLength, V1)));
        Assert.True(current.TakenOver);
        return (store, old, current);
    }

    private static async Task<WorkflowClaim> SuspendedRunAsync(IWorkflowStore store, string runId, WorkflowSuspension suspension)
    {
        await store.CreateRunAsync(NewRun(runId));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        await store.SuspendRunAsync(claim.Lease, suspension);
        return claim;
    }

    private static async Task FinishedRunAsync(IWorkflowStore store, string runId, WorkflowRunStatus status, DateTimeOffset finishedAt, string? parent = null)
    {
        var key = new WorkflowVersionKey("finisher-" + runId, 1);
        await store.CreateRunAsync(NewRun(runId, key.Workflow, parent: parent, createdAt: finishedAt.AddMinutes(-1)));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", finishedAt.AddMinutes(-1), key)));
        await store.SaveStepsAsync(claim.Lease, [Step(runId, 0, "work")]);
        await store.SendSignalAsync(runId, "note", "\"hi\"", finishedAt.AddSeconds(-1));
        await store.CompleteRunAsync(claim.Lease, Completion(status, finishedAt, error: status == WorkflowRunStatus.Completed ? null : "stopped"));
    }
}
