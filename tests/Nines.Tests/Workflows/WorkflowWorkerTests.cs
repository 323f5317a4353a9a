using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows;

public sealed class WorkflowWorkerTests
{
    [Fact]
    public async Task RunUntilIdle_SimpleWorkflow_CompletesWithResultAndJournal()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        bed.Registry.Add(() => new ThreeSteps(probe));
        var client = bed.Client();
        var run = await client.StartAsync<ThreeSteps, OrderInput, OrderResult>(new OrderInput("acme", 12.5m));

        await bed.Worker().RunUntilIdleAsync();

        var result = await client.GetResultAsync<OrderResult>(run.RunId);
        Assert.Equal("acme:12.5", result.Summary);
        Assert.Equal($"pay-{run.RunId}/2/pay", result.PaymentId);
        var steps = await client.GetStepsAsync(run.RunId);
        Assert.Equal(["summarise", "check", "pay"], steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.Equal($"{run.RunId}/2/pay", steps[2].IdempotencyKey);
    }

    [Fact]
    public async Task Replay_ProcessDiesMidStep_CompletedStepsAreNotExecutedAgain()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        bed.Registry.Add(() => new ThreeSteps(probe));
        var run = await bed.Client().StartAsync<ThreeSteps, OrderInput, OrderResult>(new OrderInput("acme", 3m));

        // Worker A journals "summarise", then dies inside "check".
        var dying = new KillableStore(bed.Store);
        probe.OnRun = name =>
        {
            if (name == "check" && probe["check"] == 1)
            {
                dying.Kill();
                probe.Gate.SetResult();
            }
        };
        await Assert.ThrowsAnyAsync<Exception>(() => bed.Worker("worker-a", dying).RunUntilIdleAsync());
        Assert.Equal(WorkflowRunStatus.Running, (await bed.Store.GetRunAsync(run.RunId))!.Status);

        // Worker B may take the run over once A's lease has run out.
        Assert.Equal(0, await bed.Worker("worker-b").RunUntilIdleAsync());
        bed.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await bed.Worker("worker-b").RunUntilIdleAsync());

        var finished = await bed.Store.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Completed, finished!.Status);
        Assert.Equal(1, probe["summarise"]);
        Assert.Equal(2, probe["check"]);
        Assert.Equal(1, probe["pay"]);
        Assert.Equal(2, finished.LeaseEpoch);
    }

    [Fact]
    public async Task Effect_DiesBetweenCallAndRecord_RetriesWithTheSameKey()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        bed.Registry.Add(() => new PayOnce(probe, reconcile: null));
        var run = await bed.Client().StartAsync<PayOnce, string, string>("invoice-1");
        var dying = new KillableStore(bed.Store);
        probe.OnRun = name =>
        {
            if (name == "pay" && probe["pay"] == 1)
            {
                dying.Kill();
            }
        };
        await Assert.ThrowsAnyAsync<Exception>(() => bed.Worker("worker-a", dying).RunUntilIdleAsync());
        var intent = Assert.Single(await bed.Store.GetStepsAsync(run.RunId));
        Assert.Equal(StepStatus.Started, intent.Status);

        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.Worker("worker-b").RunUntilIdleAsync();

        Assert.Equal(2, probe["pay"]);
        Assert.Equal(2, probe["key:" + intent.IdempotencyKey]);
        Assert.Equal("receipt-" + intent.IdempotencyKey, await bed.Client().GetResultAsync<string>(run.RunId));
    }

    [Fact]
    public async Task Effect_ReconcileFindsItApplied_ActionIsNotCalledAgain()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        var applied = new List<string>();
        bed.Registry.Add(() => new PayOnce(probe, (key, _) => Task.FromResult(applied.Contains(key) ? EffectLookup<string>.Applied("found-" + key) : EffectLookup<string>.NotApplied)));
        var run = await bed.Client().StartAsync<PayOnce, string, string>("invoice-2");
        var dying = new KillableStore(bed.Store);
        probe.OnRun = name =>
        {
            if (name.StartsWith("key:", StringComparison.Ordinal))
            {
                applied.Add(name[4..]);
                dying.Kill();
            }
        };
        await Assert.ThrowsAnyAsync<Exception>(() => bed.Worker("worker-a", dying).RunUntilIdleAsync());

        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.Worker("worker-b").RunUntilIdleAsync();

        Assert.Equal(1, probe["pay"]);
        Assert.Equal("found-" + applied[0], await bed.Client().GetResultAsync<string>(run.RunId));
    }

    [Fact]
    public async Task Sleep_SuspendsFreesTheWorkerAndResumesWhenDue_WithJournaledTimeGuidAndRandom()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        bed.Registry.Add(() => new Sleeper(probe));
        var client = bed.Client();
        var run = await client.StartAsync<Sleeper, int, string>(5);

        await bed.Worker().RunUntilIdleAsync();
        var suspended = await client.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Suspended, suspended.Status);
        Assert.Equal(bed.Time.GetUtcNow() + TimeSpan.FromHours(5), suspended.WakeAt);
        Assert.Null(suspended.LeaseOwner);

        bed.Time.Advance(TimeSpan.FromHours(4));
        Assert.Equal(0, await bed.Worker().RunUntilIdleAsync());
        bed.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await bed.Worker().RunUntilIdleAsync());

        var result = await client.GetResultAsync<string>(run.RunId);
        var steps = await client.GetStepsAsync(run.RunId);
        var parts = result.Split('|');
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(steps, s => s.Kind == StepKind.Guid && s.OutputJson == $"\"{parts[1]}\"");
        Assert.Equal("5", parts[3]);
        Assert.Equal(1, probe["before"]);
        Assert.Equal(1, probe["after"]);
        Assert.Equal([StepKind.Now, StepKind.Guid, StepKind.Random, StepKind.Step, StepKind.Sleep, StepKind.Step, StepKind.Now], steps.Select(s => s.Kind));
    }

    [Fact]
    public async Task Signals_DeliveredExactlyOnceInOrder_IncludingOneSentBeforeTheWait()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        bed.Registry.Add(() => new ApprovalFlow(probe));
        var client = bed.Client();
        var run = await client.StartAsync<ApprovalFlow, TimeSpan?, string>(null);
        await client.SignalAsync(run.RunId, "approval", new Approval("ann", true));

        await bed.Worker().RunUntilIdleAsync();
        var waiting = await client.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Suspended, waiting.Status);
        Assert.Equal("signal:approval", waiting.WaitingFor);

        await client.SignalAsync(run.RunId, "approval", new Approval("bob", true));
        await client.SignalAsync(run.RunId, "approval", new Approval("cid", true));
        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal("ann,bob", await client.GetResultAsync<string>(run.RunId));
        var signals = await bed.Store.GetSignalsAsync(run.RunId);
        Assert.Equal([true, true, false], signals.Select(s => s.ConsumedAt is not null));
        Assert.Equal(1, probe["prepare"]);
        await Assert.ThrowsAsync<WorkflowRunStateException>(() => client.SignalAsync(run.RunId, "approval", new Approval("late", true)));
    }

    [Fact]
    public async Task WaitForSignal_TimesOut_JournaledTimeoutReachesTheWorkflow()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ApprovalFlow(new Probe()));
        var client = bed.Client();
        var run = await client.StartAsync<ApprovalFlow, TimeSpan?, string>(TimeSpan.FromDays(3));

        await bed.Worker().RunUntilIdleAsync();
        Assert.Equal(bed.Time.GetUtcNow() + TimeSpan.FromDays(3), (await client.GetRunAsync(run.RunId)).WakeAt);
        bed.Time.Advance(TimeSpan.FromDays(3));
        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal("timed out", await client.GetResultAsync<string>(run.RunId));
        var wait = (await client.GetStepsAsync(run.RunId)).Single(s => s.Kind == StepKind.Signal);
        Assert.Equal(StepStatus.Failed, wait.Status);
        Assert.Equal(nameof(WorkflowSignalTimeoutException), wait.ErrorType);
    }

    [Fact]
    public async Task ChildWorkflows_ParentSuspendsUntilChildrenFinish_ChildrenStartOnce()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        bed.Registry.Add(() => new ParentFlow(probe)).Add(() => new ChildFlow(probe));
        var client = bed.Client();
        var run = await client.StartAsync<ParentFlow, int, int>(3);

        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal(9 + 16, await client.GetResultAsync<int>(run.RunId));
        var children = await client.ListAsync(new WorkflowRunQuery { ParentRunId = run.RunId });
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.Equal(WorkflowRunStatus.Completed, c.Status));
        Assert.Equal(2, probe["square"]);
        Assert.Equal(1, probe["parent-end"]);
    }

    [Fact]
    public async Task Map_QuorumMet_ReturnsSuccessesAndJournalsEachItem()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        bed.Registry.Add(() => new FanOut(probe, minRatio: 0.75));
        var client = bed.Client();
        var run = await client.StartAsync<FanOut, int[], int>([1, 2, -3, 4]);

        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal(1 + 4 + 16, await client.GetResultAsync<int>(run.RunId));
        var items = (await client.GetStepsAsync(run.RunId)).Where(s => s.Kind == StepKind.MapItem).ToList();
        Assert.Equal(4, items.Count);
        Assert.Equal(StepStatus.Failed, items.Single(i => i.Item == 2).Status);
    }

    [Fact]
    public async Task Map_QuorumMissed_RunFailsWithPartialFailureReport()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new FanOut(new Probe(), minRatio: 0.9));
        var client = bed.Client();
        var run = await client.StartAsync<FanOut, int[], int>([1, -2, 3]);

        await bed.Worker().RunUntilIdleAsync();

        var failed = await client.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Status);
        Assert.Contains("2 of 3 items succeeded", failed.Error, StringComparison.Ordinal);
        Assert.Contains("item 1: InvalidOperationException: negative item -2", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_ProcessDiesMidway_OnlyUnfinishedItemsRunAgain()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        bed.Registry.Add(() => new FanOut(probe, minRatio: 1));
        var run = await bed.Client().StartAsync<FanOut, int[], int>([1, 2, 3, 4, 5]);
        var dying = new KillableStore(bed.Store);
        probe.OnRun = name =>
        {
            if (name == "item:4" && probe[name] == 1)
            {
                dying.Kill();
            }
        };
        await Assert.ThrowsAnyAsync<Exception>(() => bed.Worker("worker-a", dying).RunUntilIdleAsync());
        var journaled = (await bed.Store.GetStepsAsync(run.RunId)).Where(s => s.Kind == StepKind.MapItem).Select(s => s.Item + 1).ToList();
        Assert.NotEmpty(journaled);
        Assert.DoesNotContain(4, journaled);

        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.Worker("worker-b").RunUntilIdleAsync();

        Assert.Equal(55, await bed.Client().GetResultAsync<int>(run.RunId));
        Assert.All(journaled, item => Assert.Equal(1, probe["item:" + item]));
        Assert.Equal(2, probe["item:4"]);
    }

    [Fact]
    public async Task Nondeterminism_CodeChangedWhileRunWaited_RunFailsNamingBothSteps()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ApprovalFlow(new Probe()));
        var client = bed.Client();
        var run = await client.StartAsync<ApprovalFlow, TimeSpan?, string>(null);
        await bed.Worker().RunUntilIdleAsync();

        var changed = new WorkflowRegistry().Add(() => new ChangedApprovalFlow());
        await client.SignalAsync(run.RunId, "approval", new Approval("ann", true));
        await bed.Worker(registry: changed).RunUntilIdleAsync();

        var failed = await client.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Status);
        Assert.Contains($"Step 0 of run {run.RunId} was 'prepare' (Step) in the journal but the code now calls 'validate' (Step)", failed.Error, StringComparison.Ordinal);
        Assert.Contains("register", failed.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Versioning_RunOfUnregisteredVersion_IsBlockedWithAMessageThenResumesWhenRegistered()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ChildFlow(new Probe()));
        var client = bed.Client();
        var run = await client.StartAsync<ChildFlow, int, int>(4);

        var onlyV2 = new WorkflowRegistry().Add(() => new ChildFlowV2());
        await bed.Worker("new-worker", registry: onlyV2).RunUntilIdleAsync();
        var blocked = await client.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Blocked, blocked.Status);
        Assert.Contains("version 1", blocked.Error, StringComparison.Ordinal);
        Assert.Contains("Register version 1", blocked.Error, StringComparison.Ordinal);

        await bed.Worker("old-worker").RunUntilIdleAsync();
        Assert.Equal(16, await client.GetResultAsync<int>(run.RunId));
    }

    [Fact]
    public async Task Cancel_WaitingRun_EndsCancelled()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ApprovalFlow(new Probe()));
        var client = bed.Client();
        var run = await client.StartAsync<ApprovalFlow, TimeSpan?, string>(null);
        await bed.Worker().RunUntilIdleAsync();

        Assert.True(await client.CancelAsync(run.RunId));
        await bed.Worker().RunUntilIdleAsync();

        var cancelled = await client.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Cancelled, cancelled.Status);
        var error = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => client.GetResultAsync<string>(run.RunId));
        Assert.Equal(WorkflowRunStatus.Cancelled, error.Status);
        Assert.False(await client.CancelAsync(run.RunId));
    }

    [Fact]
    public async Task Fencing_WorkerFrozenPastItsLease_ItsLateWriteIsRejectedAndTheTakeoverWins()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe();
        var releaseA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aInStep = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bed.Registry.Add(() => new SlowStep(probe, aInStep, releaseA));
        var client = bed.Client();
        var run = await client.StartAsync<SlowStep, int, string>(0);

        var frozen = new KillableStore(bed.Store) { FreezeHeartbeats = true };
        var a = bed.Worker("worker-a", frozen).RunUntilIdleAsync();
        await aInStep.Task.WaitAsync(TimeSpan.FromSeconds(30));
        bed.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await bed.Worker("worker-b").RunUntilIdleAsync());
        releaseA.SetResult();
        await a;

        var final = await client.GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Completed, final.Status);
        Assert.Equal("\"done by execution 2\"", final.OutputJson);
        Assert.Equal("\"execution 2\"", (await client.GetStepsAsync(run.RunId)).Single().OutputJson);
        var rejection = Assert.Single(frozen.Rejections);
        Assert.Equal(1, rejection.Epoch);
        Assert.Equal(2, rejection.CurrentEpoch);
    }
}

[Workflow("slow-step")]
internal sealed class SlowStep(Probe probe, TaskCompletionSource firstEntered, TaskCompletionSource releaseFirst) : IWorkflow<int, string>
{
    public async Task<string> RunAsync(WorkflowContext context, int input)
    {
        var value = await context.StepAsync("slow", async _ =>
        {
            probe.Hit("slow");
            var execution = probe["slow"];
            if (execution == 1)
            {
                firstEntered.SetResult();

                // A frozen process does not notice cancellation either: it simply wakes up later.
                await releaseFirst.Task;
            }

            return $"execution {execution}";
        });
        return "done by " + value;
    }
}

[Workflow("approval")]
internal sealed class ChangedApprovalFlow : IWorkflow<TimeSpan?, string>
{
    public async Task<string> RunAsync(WorkflowContext context, TimeSpan? timeout)
    {
        await context.StepAsync("validate", _ => Task.FromResult(0));
        return "changed";
    }
}

[Workflow("child", Version = 2)]
internal sealed class ChildFlowV2 : IWorkflow<int, int>
{
    public Task<int> RunAsync(WorkflowContext context, int input) => Task.FromResult(-1);
}
