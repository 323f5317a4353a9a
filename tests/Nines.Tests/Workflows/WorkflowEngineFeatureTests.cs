using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows;

public sealed class WorkflowEngineFeatureTests
{
    [Fact]
    public async Task Start_SameRunIdTwice_StartsOneRun()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ChildFlow(new Probe()));
        var client = bed.Client();

        var first = await client.StartAsync<ChildFlow, int, int>(2, new StartWorkflowOptions { RunId = "order-42" });
        var again = await client.StartAsync<ChildFlow, int, int>(3, new StartWorkflowOptions { RunId = "order-42" });

        Assert.Equal("order-42", first.RunId);
        Assert.Equal(first.InputJson, again.InputJson);
        Assert.Single(await client.ListAsync());
    }

    [Fact]
    public async Task Start_RunIdOfAnotherWorkflow_SaysTheIdIsTaken()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ChildFlow(new Probe())).Add(() => new ParentFlow(new Probe()));
        var client = bed.Client();
        await client.StartAsync<ChildFlow, int, int>(2, new StartWorkflowOptions { RunId = "x" });

        var error = await Assert.ThrowsAsync<WorkflowRunStateException>(() => client.StartAsync<ParentFlow, int, int>(2, new StartWorkflowOptions { RunId = "x" }));
        Assert.Contains("Run id 'x' is already", error.Message, StringComparison.Ordinal);
        Assert.Contains("'child'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_UnknownRun_SaysHowToFindIt()
    {
        await using var bed = new WorkflowTestBed();
        var error = await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => bed.Client().GetRunAsync("nope"));
        Assert.Contains("nines runs list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_FinishedRunsOlderThanTheCutoff_AreArchivedAndDeleted_WaitingRunsStay()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ChildFlow(new Probe())).Add(() => new ApprovalFlow(new Probe()));
        var client = bed.Client();
        var done = await client.StartAsync<ChildFlow, int, int>(3);
        var waiting = await client.StartAsync<ApprovalFlow, TimeSpan?, string>(null);
        await bed.Worker().RunUntilIdleAsync();
        bed.Time.Advance(TimeSpan.FromDays(31));
        var archived = new List<string>();

        var result = await client.PruneAsync(TimeSpan.FromDays(30), (run, _) => { archived.Add(run.Run.RunId + ":" + run.Steps.Count); return Task.CompletedTask; });

        Assert.Equal(1, result.RunsDeleted);
        Assert.Equal([done.RunId + ":1"], archived);
        Assert.Equal([waiting.RunId], (await client.ListAsync()).Select(r => r.RunId));
    }

    [Fact]
    public async Task Step_RetryPolicy_RetriesAndJournalsTheAttempts()
    {
        await using var bed = new WorkflowTestBed();
        var calls = 0;
        bed.Registry.Add(() => new Lambda<int>(async ctx => await ctx.StepAsync("flaky", _ =>
            ++calls < 3 ? throw new TimeoutException("slow model") : Task.FromResult(calls), new StepOptions { MaxAttempts = 3, InitialDelay = TimeSpan.Zero })));
        var run = await bed.Client().StartAsync<Lambda<int>, int, int>(0);

        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal(3, await bed.Client().GetResultAsync<int>(run.RunId));
        Assert.Equal(3, Assert.Single(await bed.Store.GetStepsAsync(run.RunId)).Attempts);
    }

    [Fact]
    public async Task Step_FailsForGood_FailureIsJournaledAndReplayedToTheCatch()
    {
        await using var bed = new WorkflowTestBed();
        var calls = 0;
        bed.Registry.Add(() => new Lambda<int>(async ctx =>
        {
            try
            {
                await ctx.StepAsync<int>("charge", _ => { calls++; throw new InvalidOperationException("card declined"); });
            }
            catch (WorkflowStepFailedException ex) when (ex.ErrorType == nameof(InvalidOperationException))
            {
                await ctx.SleepAsync(TimeSpan.FromMinutes(1));
                return -1;
            }

            return 1;
        }));
        var run = await bed.Client().StartAsync<Lambda<int>, int, int>(0);
        await bed.Worker().RunUntilIdleAsync();
        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal(-1, await bed.Client().GetResultAsync<int>(run.RunId));
        Assert.Equal(1, calls);
        var charge = (await bed.Store.GetStepsAsync(run.RunId))[0];
        Assert.Equal(StepStatus.Failed, charge.Status);
        Assert.Equal("card declined", charge.Error);
    }

    [Fact]
    public async Task Payload_OverTheLimit_RunFailsNamingTheStepAndTheLimit()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new Lambda<int>(async ctx => (await ctx.StepAsync("download", _ => Task.FromResult(new string('x', 5000)))).Length));
        var run = await bed.Client().StartAsync<Lambda<int>, int, int>(0);

        await bed.Worker(configure: o => o.MaxPayloadBytes = 1024).RunUntilIdleAsync();

        var failed = await bed.Client().GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Status);
        Assert.Contains("Step 'download' (Step)", failed.Error, StringComparison.Ordinal);
        Assert.Contains("at most 1 KiB", failed.Error, StringComparison.Ordinal);
        Assert.Empty(await bed.Store.GetStepsAsync(run.RunId));
    }

    [Fact]
    public async Task Redaction_SecretNeverReachesTheJournal()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new Lambda<string>(async ctx => await ctx.StepAsync("login", _ => Task.FromResult("token=sk-secret-123"))));
        var run = await bed.Client().StartAsync<Lambda<string>, int, string>(0);

        await bed.Worker(configure: o => o.RedactPayload = (_, json) => json.Replace("sk-secret-123", "[redacted]", StringComparison.Ordinal)).RunUntilIdleAsync();

        var step = Assert.Single(await bed.Store.GetStepsAsync(run.RunId));
        Assert.Equal("\"token=[redacted]\"", step.OutputJson);
        Assert.DoesNotContain("sk-secret", (await bed.Store.GetRunAsync(run.RunId))!.OutputJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payload_JournaledValueNoLongerFitsTheType_RunFailsClearlyAndTheJournalIsKept()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new Lambda<string>(async ctx =>
        {
            var text = await ctx.StepAsync("extract", _ => Task.FromResult("not a number"));
            await ctx.SleepAsync(TimeSpan.FromHours(1));
            return text;
        }));
        var run = await bed.Client().StartAsync<Lambda<string>, int, string>(0);
        await bed.Worker().RunUntilIdleAsync();
        var journal = await bed.Store.GetStepsAsync(run.RunId);

        // The new code reads the step as an int.
        var changed = new WorkflowRegistry().Add(() => new Lambda<string>(async ctx => (await ctx.StepAsync("extract", _ => Task.FromResult(0))).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        bed.Time.Advance(TimeSpan.FromHours(1));
        await bed.Worker(registry: changed).RunUntilIdleAsync();

        var failed = await bed.Client().GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Status);
        Assert.Contains("Step 'extract' (Step)", failed.Error, StringComparison.Ordinal);
        Assert.Contains("does not deserialize into Int32", failed.Error, StringComparison.Ordinal);
        Assert.Equal(journal, await bed.Store.GetStepsAsync(run.RunId));
    }

    [Fact]
    public async Task Telemetry_RunsAndStepsAreActivitiesAndMetrics()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ThreeSteps(new Probe()));
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkflowTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (activities) { activities.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new List<(string Name, double Value)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == WorkflowTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) => { lock (measurements) { measurements.Add((instrument.Name, value)); } });
        meters.SetMeasurementEventCallback<double>((instrument, value, _, _) => { lock (measurements) { measurements.Add((instrument.Name, value)); } });
        meters.Start();
        var run = await bed.Client().StartAsync<ThreeSteps, OrderInput, OrderResult>(new OrderInput("a", 1m));

        await bed.Worker().RunUntilIdleAsync();

        List<Activity> mine;
        lock (activities)
        {
            mine = [.. activities.Where(a => (string?)a.GetTagItem("nines.workflow.run_id") == run.RunId)];
        }

        var runActivity = Assert.Single(mine, a => a.OperationName == "workflow.run three-steps");
        Assert.Equal("completed", runActivity.GetTagItem("nines.workflow.outcome"));
        Assert.Equal(1, runActivity.GetTagItem("nines.workflow.version"));
        var pay = Assert.Single(mine, a => a.OperationName == "workflow.step pay");
        Assert.Equal("Effect", pay.GetTagItem("nines.workflow.step.kind"));
        Assert.Equal(1, pay.GetTagItem("nines.workflow.step.attempt"));
        Assert.Equal("completed", pay.GetTagItem("nines.workflow.step.outcome"));
        Assert.Same(runActivity, pay.Parent);
        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Name == "nines.workflow.runs.started");
            Assert.Contains(measurements, m => m.Name == "nines.workflow.runs.completed");
            Assert.Contains(measurements, m => m.Name == "nines.workflow.steps");
            Assert.Contains(measurements, m => m.Name == "nines.workflow.journal.write.duration" && m.Value >= 0);
        }
    }

    [Fact]
    public async Task Hosting_BackgroundWorkerRunsWorkflowsFromDependencyInjection()
    {
        var directory = Directory.CreateTempSubdirectory("nines-host-").FullName;
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddSingleton(new Probe());
            builder.Services.AddNines(o => o.PollInterval = TimeSpan.FromMilliseconds(50))
                .UseSqliteWorkflowStore(Path.Combine(directory, "nines.db"))
                .AddWorkflow<ThreeStepsFromServices>()
                .AddWorkflowWorker();
            using var host = builder.Build();
            await host.StartAsync();
            var client = host.Services.GetRequiredService<WorkflowClient>();

            var run = await client.StartAsync<ThreeStepsFromServices, OrderInput, OrderResult>(new OrderInput("di", 2m));
            var result = await client.WaitForResultAsync<OrderResult>(run.RunId, TimeSpan.FromSeconds(60));

            Assert.Equal("di:2", result.Summary);
            Assert.Equal(3, host.Services.GetRequiredService<Probe>()["summarise"] + host.Services.GetRequiredService<Probe>()["check"] + host.Services.GetRequiredService<Probe>()["pay"]);
            await host.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Worker_StoreUnreachableForAWhile_BacksOffAndCarriesOn()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new ChildFlow(new Probe()));
        var run = await bed.Client().StartAsync<ChildFlow, int, int>(6);
        var worker = new WorkflowWorker(new FlakyClaimsStore(bed.Store, failures: 3), bed.Registry, new WorkflowEngineOptions { WorkerId = "w", PollInterval = TimeSpan.FromMilliseconds(10) });
        using var stop = new CancellationTokenSource();

        var running = worker.RunAsync(stop.Token);
        var client = new WorkflowClient(bed.Store, bed.Registry, new WorkflowEngineOptions { PollInterval = TimeSpan.FromMilliseconds(10) });
        var result = await client.WaitForResultAsync<int>(run.RunId, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(36, result);
    }

    [Fact]
    public async Task Hosting_ShutdownWhileAStepRuns_ReleasesTheRunForAnotherWorker()
    {
        await using var bed = new WorkflowTestBed();
        var probe = new Probe { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.OnRun = name =>
        {
            if (name == "check")
            {
                entered.TrySetResult();
            }
        };
        bed.Registry.Add(() => new ThreeSteps(probe));
        var run = await bed.Client().StartAsync<ThreeSteps, OrderInput, OrderResult>(new OrderInput("s", 1m));
        using var stop = new CancellationTokenSource();
        var worker = new WorkflowWorker(bed.Store, bed.Registry, new WorkflowEngineOptions { WorkerId = "w1", ShutdownGracePeriod = TimeSpan.Zero, PollInterval = TimeSpan.FromMilliseconds(20) });

        var running = worker.RunAsync(stop.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        var released = await bed.Store.GetRunAsync(run.RunId);
        Assert.True(released!.Status == WorkflowRunStatus.Pending, released.Error);
        Assert.Null(released.LeaseOwner);
        Assert.Equal(["summarise"], (await bed.Store.GetStepsAsync(run.RunId)).Select(s => s.Name));

        probe.Gate.SetResult();
        await bed.Worker("w2").RunUntilIdleAsync();
        Assert.Equal(WorkflowRunStatus.Completed, (await bed.Store.GetRunAsync(run.RunId))!.Status);
        Assert.Equal(1, probe["summarise"]);
    }
}

/// <summary>A store that is unreachable for its first few claims, as during a database failover.</summary>
internal sealed class FlakyClaimsStore(IWorkflowStore inner, int failures) : DelegatingWorkflowStore(inner, ownsInner: false)
{
    private int _failuresLeft = failures;

    public override Task<IReadOnlyList<WorkflowClaim>> ClaimRunsAsync(WorkflowClaimRequest request, CancellationToken cancellationToken = default) =>
        Interlocked.Decrement(ref _failuresLeft) >= 0
            ? throw new IOException("connection refused (simulated failover)")
            : base.ClaimRunsAsync(request, cancellationToken);
}

/// <summary>A workflow whose body is a lambda, for tests of single features.</summary>
[Workflow("lambda")]
internal sealed class Lambda<T>(Func<WorkflowContext, Task<T>> body) : IWorkflow<int, T>
{
    public Task<T> RunAsync(WorkflowContext context, int input) => body(context);
}

[Workflow("three-steps-di")]
internal sealed class ThreeStepsFromServices(Probe probe) : IWorkflow<OrderInput, OrderResult>
{
    public Task<OrderResult> RunAsync(WorkflowContext context, OrderInput input) => new ThreeSteps(probe).RunAsync(context, input);
}
