using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Nines.Evals;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Evals;

public sealed class EvalRunnerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nines-eval-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteWorkflowStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteWorkflowStore(Path.Combine(_directory, "evals.db"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task RunAsync_TwoConfigurations_ReturnsEveryTrialSortedByConfigurationCaseAndTrial()
    {
        var result = await new EvalRunner().RunAsync(EvalTestSuites.Coin(cases: 3, trials: 4), Options());

        Assert.False(result.Interrupted);
        Assert.Equal(24, result.TotalTrials);
        Assert.Equal(["weak", "strong"], result.Configurations);
        var expected = new[] { "weak", "strong" }
            .SelectMany(c => Enumerable.Range(0, 3).SelectMany(k => Enumerable.Range(0, 4).Select(t => (c, $"case-{k}", t))));
        Assert.Equal(expected, result.Results.Select(r => (r.Configuration, r.CaseId, r.Trial)));
        Assert.All(result.Results.Where(r => !r.Passed), r => Assert.Equal(("Tails", "the coin came up tails"), (r.FailureCategory, r.Error)));
        Assert.All(result.Results.Where(r => r.Passed), r => Assert.Null(r.FailureCategory));
    }

    [Fact]
    public async Task RunAsync_SameSeedTwice_IdenticalRows()
    {
        var first = await new EvalRunner().RunAsync(EvalTestSuites.Coin(trials: 20), Options());
        var second = await new EvalRunner().RunAsync(EvalTestSuites.Coin(trials: 20), Options(o => o.MaxConcurrency = 1));
        var otherSeed = await new EvalRunner().RunAsync(EvalTestSuites.Coin(trials: 20), Options(o => o.Seed = 8));

        Assert.Equal(first.Results, second.Results);
        Assert.NotEqual(first.Results.Select(r => r.Passed), otherSeed.Results.Select(r => r.Passed));

        // Common random numbers: trial t of a case draws the same number under both configurations.
        Assert.Contains(first.Results, r => r.Configuration == "weak" && !r.Passed);
        Assert.Contains(first.Results, r => r.Configuration == "strong" && r.Passed);
    }

    [Fact]
    public async Task RunAsync_MaxConcurrency_IsNeverExceededAndIsReached()
    {
        var inFlight = 0;
        var max = 0;
        var suite = EvalTestSuites.Coin(cases: 5, trials: 6, before: async (_, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref max, now);
            await Task.Delay(5, ct);
            Interlocked.Decrement(ref inFlight);
            return null;
        });

        var result = await new EvalRunner().RunAsync(suite, Options(o => o.MaxConcurrency = 3));

        Assert.Equal(60, result.Results.Count);
        Assert.Equal(3, max);
    }

    [Fact]
    public async Task RunAsync_TargetThrows_FailedTrialWithCategoryAndMessage()
    {
        var suite = EvalTestSuites.Coin(cases: 2, trials: 2, before: (context, _) => context.Case.Id == "case-0"
            ? throw (context.Configuration.Name == "weak" ? new InvalidOperationException("the parser broke") : new TimeoutException("took too long"))
            : ValueTask.FromResult<object?>(null));

        var result = await new EvalRunner().RunAsync(suite, Options());

        Assert.Equal(8, result.Results.Count);
        var weak = result.Results.Where(r => r is { Configuration: "weak", CaseId: "case-0" }).ToList();
        Assert.All(weak, r => Assert.Equal((false, "Exception:InvalidOperationException", "the parser broke"), (r.Passed, r.FailureCategory, r.Error)));
        var strong = result.Results.Where(r => r is { Configuration: "strong", CaseId: "case-0" }).ToList();
        Assert.All(strong, r => Assert.Equal((false, EvalFailureCategories.FromException(new TimeoutException()), "took too long"), (r.Passed, r.FailureCategory, r.Error)));
        Assert.DoesNotContain("Exception:", strong[0].FailureCategory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ScorerThrows_StopsWithErrorNamingCaseTrialAndConfiguration()
    {
        var suite = EvalTestSuites.Coin(cases: 3, trials: 3);
        suite = new EvalSuite
        {
            Name = suite.Name,
            Cases = [suite.Cases[0], new EvalCase("bad-case", scorer: (_, _, c) => c.Trial == 1 ? throw new KeyNotFoundException("no field 'total'") : EvalScore.Pass()), suite.Cases[2]],
            Configurations = [suite.Configurations[1]],
            Scorer = suite.Scorer,
            Trials = 3,
            MaxConcurrency = 1,
        };

        var error = await Assert.ThrowsAsync<EvalScorerException>(() => new EvalRunner().RunAsync(suite, Options()));

        Assert.Equal(("strong", "bad-case", 1), (error.Configuration, error.CaseId, error.Trial));
        Assert.Contains("case 'bad-case', trial 1, configuration 'strong'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no field 'total'", error.Message, StringComparison.Ordinal);
        Assert.IsType<KeyNotFoundException>(error.InnerException);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsInterruptedWithOnlyFinishedTrials()
    {
        using var stop = new CancellationTokenSource();
        var suite = StoppingSuite(stop, finishBeforeStop: 10, out var calls);

        var result = await new EvalRunner().RunAsync(suite, Options(o => o.MaxConcurrency = 4), cancellationToken: stop.Token);

        Assert.True(result.Interrupted);
        Assert.Equal(10, result.Results.Count);
        Assert.True(calls.Value > 10);
        Assert.Equal(40, result.TotalTrials);
    }

    [Fact]
    public async Task RunAsync_ConfigurationSubset_RunsOnlyThose()
    {
        var result = await new EvalRunner().RunAsync(EvalTestSuites.Coin(cases: 2, trials: 2), Options(o => o.Configurations = ["STRONG"]));

        Assert.Equal(["strong"], result.Configurations);
        Assert.All(result.Results, r => Assert.Equal("strong", r.Configuration));
        Assert.Equal(4, result.Results.Count);
    }

    [Fact]
    public async Task RunAsync_UnknownConfiguration_ThrowsListingTheNames()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o => o.Configurations = ["hardened"])));

        Assert.Contains("has no configuration 'hardened'; it has weak, strong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Progress_ReportsEveryTrialPerConfigurationAndAnEta()
    {
        var reports = new SynchronousProgress();

        await new EvalRunner().RunAsync(EvalTestSuites.Coin(cases: 2, trials: 3), Options(o => o.MaxConcurrency = 1), reports);

        Assert.Equal(12, reports.Items.Count);
        var last = reports.Items[^1];
        Assert.Equal((12, 12), (last.Done, last.Total));
        Assert.All(last.Configurations, c => Assert.Equal((6, 6), (c.Done, c.Total)));
        Assert.Equal(["weak", "strong"], last.Configurations.Select(c => c.Name));
        Assert.Equal(last.Configurations[1].Passed / 6.0, last.Configurations[1].SuccessRate);
        Assert.Equal(Enumerable.Range(1, 12), reports.Items.Select(p => p.Done));
    }

    [Fact]
    public async Task RunAsync_Journaled_CompletesRunAndMatchesInMemoryRows()
    {
        var journaled = await new EvalRunner().RunAsync(EvalTestSuites.Coin(trials: 10), Options(o => o.Store = _store));
        var inMemory = await new EvalRunner().RunAsync(EvalTestSuites.Coin(trials: 10), Options());

        Assert.Equal(inMemory.Results, journaled.Results);
        Assert.False(journaled.Interrupted);
        Assert.StartsWith("eval-coin-", journaled.RunId, StringComparison.Ordinal);
        var run = await _store.GetRunAsync(journaled.RunId!);
        Assert.Equal((WorkflowRunStatus.Completed, "nines-eval"), (run!.Status, run.Workflow));
        Assert.Equal(80, (await _store.GetStepsAsync(journaled.RunId!)).Sum(s => System.Text.Json.JsonDocument.Parse(s.OutputJson!).RootElement.GetArrayLength()));
    }

    [Fact]
    public async Task RunAsync_InterruptedThenResumed_RunsOnlyTheMissingTrialsAndEqualsAnUninterruptedRun()
    {
        using var stop = new CancellationTokenSource();
        var interruptedSuite = StoppingSuite(stop, finishBeforeStop: 13, out _);
        var interrupted = await new EvalRunner().RunAsync(interruptedSuite, Options(o => o.Store = _store), cancellationToken: stop.Token);

        Assert.True(interrupted.Interrupted);
        Assert.Equal(13, interrupted.Results.Count);
        var run = await _store.GetRunAsync(interrupted.RunId!);
        Assert.Equal(WorkflowRunStatus.Pending, run!.Status);

        var calls = new EvalTestSuites.Counter();
        var resumed = await new EvalRunner().RunAsync(EvalTestSuites.Coin(cases: 4, trials: 5, calls: calls), Options(o =>
        {
            o.Store = _store;
            o.Resume = true;
        }));
        var uninterrupted = await new EvalRunner().RunAsync(EvalTestSuites.Coin(cases: 4, trials: 5), Options());

        Assert.Equal(40 - 13, calls.Value);
        Assert.Equal(13, resumed.ResumedTrials);
        Assert.Equal(interrupted.RunId, resumed.RunId);
        Assert.False(resumed.Interrupted);
        Assert.Equal(uninterrupted.Results, resumed.Results);
        Assert.Equal(WorkflowRunStatus.Completed, (await _store.GetRunAsync(resumed.RunId!))!.Status);
    }

    [Fact]
    public async Task RunAsync_UnfinishedRunWithoutResumeOrFresh_ThrowsSayingWhatToPass()
    {
        using var stop = new CancellationTokenSource();
        await new EvalRunner().RunAsync(StoppingSuite(stop, finishBeforeStop: 5, out _), Options(o => o.Store = _store), cancellationToken: stop.Token);

        var error = await Assert.ThrowsAsync<WorkflowRunStateException>(() => new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o => o.Store = _store)));

        Assert.Contains("is unfinished (5 of 40 trials journaled)", error.Message, StringComparison.Ordinal);
        Assert.Contains("--resume", error.Message, StringComparison.Ordinal);
        Assert.Contains("--fresh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Fresh_CancelsTheUnfinishedRunAndRunsEveryTrialUnderANewId()
    {
        using var stop = new CancellationTokenSource();
        var first = await new EvalRunner().RunAsync(StoppingSuite(stop, finishBeforeStop: 5, out _), Options(o => o.Store = _store), cancellationToken: stop.Token);
        var calls = new EvalTestSuites.Counter();

        var fresh = await new EvalRunner().RunAsync(EvalTestSuites.Coin(calls: calls), Options(o =>
        {
            o.Store = _store;
            o.Fresh = true;
        }));

        Assert.Equal(40, calls.Value);
        Assert.Equal(first.RunId + "#2", fresh.RunId);
        Assert.Equal(0, fresh.ResumedTrials);
        Assert.Equal(WorkflowRunStatus.Cancelled, (await _store.GetRunAsync(first.RunId!))!.Status);
    }

    [Fact]
    public async Task RunAsync_ResumeAFinishedRun_ReadsItBackWithoutRunningTrials()
    {
        var first = await new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o => o.Store = _store));
        var calls = new EvalTestSuites.Counter();

        var again = await new EvalRunner().RunAsync(EvalTestSuites.Coin(calls: calls), Options(o =>
        {
            o.Store = _store;
            o.Resume = true;
        }));

        Assert.Equal(0, calls.Value);
        Assert.Equal(first.Results, again.Results);
        Assert.Equal((first.RunId, 40), (again.RunId, again.ResumedTrials));
    }

    [Fact]
    public async Task RunAsync_SameEvalAfterAFinishedRun_StartsAFreshRunUnderTheNextId()
    {
        var first = await new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o => o.Store = _store));
        var calls = new EvalTestSuites.Counter();

        var second = await new EvalRunner().RunAsync(EvalTestSuites.Coin(calls: calls), Options(o => o.Store = _store));

        Assert.Equal(40, calls.Value);
        Assert.Equal(first.RunId + "#2", second.RunId);
        Assert.Equal(first.Results, second.Results);
    }

    [Fact]
    public async Task RunAsync_ResumeWithOtherOptionsUnderSameRunId_ThrowsDescribingBoth()
    {
        using var stop = new CancellationTokenSource();
        await new EvalRunner().RunAsync(StoppingSuite(stop, finishBeforeStop: 5, out _), Options(o =>
        {
            o.Store = _store;
            o.RunId = "nightly";
        }), cancellationToken: stop.Token);

        var error = await Assert.ThrowsAsync<WorkflowRunStateException>(() => new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o =>
        {
            o.Store = _store;
            o.RunId = "nightly";
            o.Seed = 99;
            o.Resume = true;
        })));

        Assert.Contains("was started as suite 'coin', seed 7", error.Message, StringComparison.Ordinal);
        Assert.Contains("this eval is suite 'coin', seed 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RunIdHeldByAnUnfinishedEvalOfOtherOptions_RefusesThenFreshStartsTheNextId()
    {
        using var stop = new CancellationTokenSource();
        await new EvalRunner().RunAsync(StoppingSuite(stop, finishBeforeStop: 5, out _), Options(o =>
        {
            o.Store = _store;
            o.RunId = "nightly";
        }), cancellationToken: stop.Token);

        var refused = await Assert.ThrowsAsync<WorkflowRunStateException>(() => new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o =>
        {
            o.Store = _store;
            o.RunId = "nightly";
            o.Trials = 2;
        })));
        var fresh = await new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o =>
        {
            o.Store = _store;
            o.RunId = "nightly";
            o.Trials = 2;
            o.Fresh = true;
        }));

        Assert.Contains("is unfinished (5 trials journaled). It was started as suite 'coin', seed 7, 5 trial(s)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(("nightly#2", 16), (fresh.RunId, fresh.Results.Count));
        Assert.Equal(WorkflowRunStatus.Cancelled, (await _store.GetRunAsync("nightly"))!.Status);
    }

    [Fact]
    public async Task RunAsync_RunIdOfAnotherWorkflow_ThrowsNamingIt()
    {
        var client = new WorkflowClient(_store, new WorkflowRegistry().Add(() => new EvalJournalWorkflow(null!)));
        await client.StartAsync("approve-invoice", "{}", new StartWorkflowOptions { RunId = "inv-42", Version = 1 });

        var error = await Assert.ThrowsAsync<WorkflowRunStateException>(() => new EvalRunner().RunAsync(EvalTestSuites.Coin(), Options(o =>
        {
            o.Store = _store;
            o.RunId = "inv-42";
        })));

        Assert.Contains("belongs to a run of workflow 'approve-invoice', not an eval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_JournaledScorerThrows_ThrowsAndLeavesRunResumable()
    {
        var suite = EvalTestSuites.Coin(cases: 2, trials: 2);
        var broken = new EvalSuite
        {
            Name = suite.Name,
            Cases = suite.Cases,
            Configurations = suite.Configurations,
            Scorer = (c, _, context) => c.Id == "case-1" ? throw new InvalidOperationException("scorer bug") : EvalScore.Pass(),
            Trials = 2,
            Seed = suite.Seed,
            MaxConcurrency = 1,
        };

        await Assert.ThrowsAsync<EvalScorerException>(() => new EvalRunner().RunAsync(broken, Options(o => o.Store = _store)));

        var run = Assert.Single(await _store.ListRunsAsync(new WorkflowRunQuery()));
        Assert.Equal(WorkflowRunStatus.Pending, run.Status);
    }

    private EvalRunOptions Options(Action<EvalRunOptions>? configure = null)
    {
        var options = new EvalRunOptions { Clock = _clock, Time = _clock };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The coin suite (4 cases × 5 trials × 2 configurations) whose target cancels <paramref name="stop"/> when trial
    /// number <paramref name="finishBeforeStop"/> + 1 starts, then waits for the cancellation: exactly that many finish.</summary>
    private static EvalSuite StoppingSuite(CancellationTokenSource stop, int finishBeforeStop, out EvalTestSuites.Counter calls)
    {
        var started = new EvalTestSuites.Counter();
        calls = started;
        return EvalTestSuites.Coin(cases: 4, trials: 5, before: async (_, ct) =>
        {
            if (started.Increment() > finishBeforeStop)
            {
                await stop.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return null;
        });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class SynchronousProgress : IProgress<EvalProgress>
    {
        public List<EvalProgress> Items { get; } = [];

        public void Report(EvalProgress value)
        {
            lock (Items)
            {
                Items.Add(value);
            }
        }
    }
}
