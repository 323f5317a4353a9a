using Nines.Tests.Workflows;
using Nines.Workflows;

namespace Nines.Tests.Agents.Patterns;

public sealed class MapReduceTests
{
    [Fact]
    public async Task MapReduceAsync_NineItemsMaxConcurrencyThree_RunsExactlyThreeAtOnce()
    {
        await using var bed = new WorkflowTestBed();
        // The gate opens only once three items run together: a sequential map would never open it (the hang guard fails it).
        var handlers = new Handlers { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), GateOpensAt = 3 };
        bed.Registry.Add(() => new CountWordsFlow(handlers, minRatio: 1, maxConcurrency: 3, attempts: 1, escalate: false));
        var items = Enumerable.Range(1, 9).Select(i => new string('x', i)).ToArray();
        var run = await bed.Client().StartAsync<CountWordsFlow, string[], PatternOutcome>(items);

        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal("45/9", (await bed.Client().GetResultAsync<PatternOutcome>(run.RunId)).Output);
        Assert.Equal(3, handlers.MaxActive);
    }

    [Fact]
    public async Task MapReduceAsync_PrimaryFailsEveryRetry_EscalatesOnceAfterTheLastRetryAndRecordsIt()
    {
        await using var bed = new WorkflowTestBed();
        var handlers = new Handlers();
        handlers.FailPrimary("beta", 99);
        bed.Registry.Add(() => new CountWordsFlow(handlers, minRatio: 1, maxConcurrency: 2, attempts: 3, escalate: true));
        var run = await bed.Client().StartAsync<CountWordsFlow, string[], PatternOutcome>(["alpha", "beta", "gamma"]);

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal("410/3", outcome.Output);
        Assert.Equal(["beta:4:True"], outcome.Escalated);
        var log = handlers.Log.ToList();
        Assert.Equal(3, handlers.Count("primary:beta"));
        Assert.Equal(1, handlers.Count("escalated:beta"));
        Assert.True(log.LastIndexOf("primary:beta") < log.IndexOf("escalated:beta"), string.Join(", ", log));
        Assert.Equal(0, handlers.Count("escalated:alpha") + handlers.Count("escalated:gamma"));

        var item = Assert.Single(await bed.Client().GetStepsAsync(run.RunId), s => s.Kind == StepKind.MapItem && s.Item == 1);
        Assert.Equal(("count.map[1] (escalated)", StepStatus.Completed, 4, "Escalated"), (item.Name, item.Status, item.Attempts, item.ErrorType));
        Assert.Equal("primary failed after 3 attempts: InvalidOperationException: primary model garbled beta", item.Error);
        Assert.Contains("[1] beta: ok after escalation, 4 attempts — primary failed after 3 attempts", outcome.Report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapReduceAsync_PrimaryRecoversOnTheLastRetry_DoesNotEscalate()
    {
        await using var bed = new WorkflowTestBed();
        var handlers = new Handlers();
        handlers.FailPrimary("beta", 2);
        bed.Registry.Add(() => new CountWordsFlow(handlers, minRatio: 1, maxConcurrency: 2, attempts: 3, escalate: true));
        var run = await bed.Client().StartAsync<CountWordsFlow, string[], PatternOutcome>(["alpha", "beta"]);

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal("9/2", outcome.Output);
        Assert.Empty(outcome.Escalated);
        Assert.Equal((3, 0), (handlers.Count("primary:beta"), handlers.Count("escalated:beta")));
        var item = Assert.Single(await bed.Client().GetStepsAsync(run.RunId), s => s.Kind == StepKind.MapItem && s.Item == 1);
        Assert.Equal(("count.map[1]", 3, null), (item.Name, item.Attempts, item.ErrorType));
    }

    [Fact]
    public async Task MapReduceAsync_EscalationFailsTooAndQuorumMissed_SkipsReduceAndReportsBothFailures()
    {
        await using var bed = new WorkflowTestBed();
        var handlers = new Handlers();
        handlers.FailPrimary("beta", 99);
        handlers.FailPrimary("delta", 99);
        handlers.EscalationFails.Add("beta");
        var reduces = new Counter();
        bed.Registry.Add(() => new CountWordsFlow(handlers, minRatio: 0.9, maxConcurrency: 4, attempts: 2, escalate: true, reduces));
        var run = await bed.Client().StartAsync<CountWordsFlow, string[], PatternOutcome>(["alpha", "beta", "gamma", "delta"]);

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.False(outcome.QuorumMet);
        Assert.Equal(0, reduces.Value);
        Assert.Equal(
            ["beta | escalated attempt failed: TimeoutException: strong model timed out on beta; primary failed after 2 attempts: InvalidOperationException: primary model garbled beta"],
            outcome.Failed);
        Assert.Equal(["beta:3:False", "delta:3:True"], outcome.Escalated);
        Assert.StartsWith("count: 3 of 4 succeeded (75%; 90% required) — quorum NOT met; 2 escalated", outcome.Report, StringComparison.Ordinal);
        Assert.Contains("[1] beta: FAILED (escalated too), 3 attempts", outcome.Report, StringComparison.Ordinal);
        Assert.Contains("[3] delta: ok after escalation, 3 attempts", outcome.Report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapReduceAsync_NoEscalationAndQuorumMet_ReducesTheSuccessesAndReportsTheFailure()
    {
        await using var bed = new WorkflowTestBed();
        var handlers = new Handlers();
        handlers.FailPrimary("beta", 99);
        bed.Registry.Add(() => new CountWordsFlow(handlers, minRatio: 0.5, maxConcurrency: 2, attempts: 2, escalate: false));
        var run = await bed.Client().StartAsync<CountWordsFlow, string[], PatternOutcome>(["alpha", "beta", "gamma"]);

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal("10/2", outcome.Output);
        Assert.Equal(["beta"], outcome.Failed);
        Assert.Contains("[1] beta: FAILED, 2 attempts — InvalidOperationException: primary model garbled beta", outcome.Report, StringComparison.Ordinal);
        Assert.Equal(0, handlers.Count("escalated:beta"));
    }

    [Fact]
    public async Task MapReduceAsync_ProcessDiesMidway_ResumeRepeatsNoJournaledCallAndMatchesAnUninterruptedRun()
    {
        string[] items = ["alpha", "beta", "gamma", "delta", "epsilon"];

        // The reference: the same workflow, never interrupted.
        await using var reference = new WorkflowTestBed();
        var calm = new Handlers();
        calm.FailPrimary("beta", 99);
        reference.Registry.Add(() => new CountWordsFlow(calm, minRatio: 1, maxConcurrency: 1, attempts: 2, escalate: true));
        var calmRun = await reference.Client().StartAsync<CountWordsFlow, string[], PatternOutcome>(items, new StartWorkflowOptions { RunId = "count-1" });
        await reference.Worker().RunUntilIdleAsync();

        await using var bed = new WorkflowTestBed();
        var handlers = new Handlers();
        handlers.FailPrimary("beta", 99);
        var reduces = new Counter();
        bed.Registry.Add(() => new CountWordsFlow(handlers, minRatio: 1, maxConcurrency: 1, attempts: 2, escalate: true, reduces));
        var run = await bed.Client().StartAsync<CountWordsFlow, string[], PatternOutcome>(items, new StartWorkflowOptions { RunId = "count-1" });
        var dying = new KillableStore(bed.Store);
        var dead = false;
        handlers.Dead = () => dead;
        handlers.OnCall = call =>
        {
            if (call == "primary:delta" && handlers.Count(call) == 1)
            {
                dying.Kill();
                dead = true;
            }
        };
        await Assert.ThrowsAnyAsync<Exception>(() => bed.Worker("worker-a", dying).RunUntilIdleAsync());
        dead = false; // a new process
        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.Worker("worker-b").RunUntilIdleAsync();

        var resumed = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal((1, 2, 1, 1, 2, 1), (handlers.Count("primary:alpha"), handlers.Count("primary:beta"), handlers.Count("escalated:beta"), handlers.Count("primary:gamma"), handlers.Count("primary:delta"), handlers.Count("primary:epsilon")));
        Assert.Equal(1, reduces.Value);

        // Same output, same report (the escalation of beta came back from the journal), same journal.
        var expected = await reference.Client().GetResultAsync<PatternOutcome>(calmRun.RunId);
        Assert.Equal((expected.Output, expected.Report), (resumed.Output, resumed.Report));
        Assert.Equal(expected.Escalated, resumed.Escalated);
        Assert.Equal(Journal(await reference.Client().GetStepsAsync("count-1")), Journal(await bed.Client().GetStepsAsync("count-1")));
    }

    [Fact]
    public async Task MapReduceAsync_MissingReduceAndBadConcurrency_ThrowsListingEveryProblem()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new InvalidMapReduceFlow());
        var run = await bed.Client().StartAsync<InvalidMapReduceFlow, string[], int>(["a"]);

        await bed.Worker().RunUntilIdleAsync();

        var failed = await bed.Client().GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Status);
        Assert.Contains("Reduce is not set", failed.Error, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrency is 0", failed.Error, StringComparison.Ordinal);
    }

    private static List<string> Journal(IReadOnlyList<Nines.Workflows.Storage.WorkflowStep> steps) =>
        [.. steps.Select(s => $"{s.Position}[{s.Item}] {s.Name} {s.Kind} {s.Status} {s.Attempts} {s.OutputJson} {s.ErrorType} {s.Error}").Order(StringComparer.Ordinal)];

    [Workflow("invalid-map-reduce")]
    private sealed class InvalidMapReduceFlow : IWorkflow<string[], int>
    {
        public async Task<int> RunAsync(WorkflowContext context, string[] input)
        {
            var result = await Nines.Agents.Patterns.WorkflowContextPatternExtensions.MapReduceAsync(context, "count", input, new Nines.Agents.Patterns.MapReduceOptions<string, int, int>
            {
                Map = (s, _) => Task.FromResult(s.Length),
                MaxConcurrency = 0,
            });
            return result.Output;
        }
    }
}
