using System.Text.Json;
using System.Text.Json.Serialization;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Evals;

/// <summary>
/// Runs an <see cref="EvalSuite"/>: every case under every configuration, the given number of trials each, with bounded
/// concurrency, live progress, a clean stop on cancellation and, with a store, a durable journal that lets an interrupted
/// eval resume without running its finished trials again.
/// </summary>
/// <remarks>
/// <para>Same seed, same suite, same code → the same rows (latency aside when it is measured on a real clock): each trial
/// gets a fresh <see cref="EvalTrialContext"/> whose seed derives from the seed, the case and the trial number only.</para>
/// <para>An exception from a target is a failed trial (its category from <see cref="EvalFailureCategories.FromException"/>);
/// an exception from a scorer stops the eval with <see cref="EvalScorerException"/>; cancelling the token stops it cleanly:
/// trials in flight are dropped and the result, marked <see cref="EvalRunResult.Interrupted"/>, holds the finished ones.</para>
/// <para>With <see cref="EvalRunOptions.Store"/> the eval is a workflow run (<c>nines-eval</c>) whose steps journal the
/// finished trials in groups; see docs/evals-runner.md. Thread-safe: one runner may run several evals at once.</para>
/// </remarks>
public sealed class EvalRunner
{
    internal static readonly JsonSerializerOptions JournalJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Runs <paramref name="suite"/>.</summary>
    /// <param name="suite">The suite.</param>
    /// <param name="options">Overrides, the clocks and the journal; null for the suite as it is, without a journal.</param>
    /// <param name="progress">Told after every finished trial (from several threads at once).</param>
    /// <param name="cancellationToken">Stops the eval; the result is then <see cref="EvalRunResult.Interrupted"/>.</param>
    /// <returns>Every finished trial, sorted by configuration, case and trial.</returns>
    /// <exception cref="ArgumentException">The suite or the options are not valid, or name a configuration the suite lacks.</exception>
    /// <exception cref="EvalScorerException">A scorer threw.</exception>
    /// <exception cref="WorkflowRunStateException">The journal holds an unfinished run of this eval and neither
    /// <see cref="EvalRunOptions.Resume"/> nor <see cref="EvalRunOptions.Fresh"/> was set, or the run id is taken by another eval.</exception>
    public async Task<EvalRunResult> RunAsync(
        EvalSuite suite,
        EvalRunOptions? options = null,
        IProgress<EvalProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(suite);
        options ??= new EvalRunOptions();
        var plan = EvalRunPlan.Create(suite, options);
        return options.Store is null
            ? await RunInMemoryAsync(plan, options, progress, cancellationToken).ConfigureAwait(false)
            : await RunJournaledAsync(plan, options, options.Store, progress, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<EvalRunResult> RunInMemoryAsync(EvalRunPlan plan, EvalRunOptions options, IProgress<EvalProgress>? progress, CancellationToken cancellationToken)
    {
        var started = options.Clock.GetUtcNow();
        var pool = new EvalTrialPool(plan, progress, options.Clock, journaled: false);
        var interrupted = false;
        try
        {
            await pool.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }

        return Result(plan, pool, interrupted, started, options.Clock.GetUtcNow(), runId: null);
    }

    private static async Task<EvalRunResult> RunJournaledAsync(EvalRunPlan plan, EvalRunOptions options, IWorkflowStore store, IProgress<EvalProgress>? progress, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var input = plan.ToJournalInput();
        var baseId = options.RunId ?? plan.DefaultRunId();
        var (latest, nextId) = await FindLatestAsync(store, baseId, cancellationToken).ConfigureAwait(false);
        var pool = new EvalTrialPool(plan, progress, options.Clock, journaled: true);
        using var session = new EvalJournalSession(plan, pool, options.MaxTrialsPerJournalWrite, cancellationToken);
        var registry = new WorkflowRegistry().Add(() => new EvalJournalWorkflow(session));
        var engine = new WorkflowEngineOptions
        {
            WorkerId = $"nines-eval-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}",
            TimeProvider = options.Clock,
            MaxConcurrentRuns = 1,
            JsonOptions = JournalJson,

            // A group of a few hundred rows with long error messages can exceed the default 1 MiB.
            MaxPayloadBytes = 64 * 1024 * 1024,
        };
        var client = new WorkflowClient(store, registry, engine);

        var runId = nextId;
        if (latest is not null && latest.Workflow != EvalJournalWorkflow.WorkflowName)
        {
            throw new WorkflowRunStateException(latest.RunId, latest.Status,
                $"Run id '{latest.RunId}' in {store.Description} belongs to a run of workflow '{latest.Workflow}', not an eval; choose another run id.");
        }

        if (latest is not null && !WorkflowClient.IsFinished(latest.Status))
        {
            if (options.Resume)
            {
                CheckSameEval(latest, input, store);
                CheckNotHeldElsewhere(latest, options.Clock, store);
                runId = latest.RunId;
            }
            else if (options.Fresh)
            {
                // Its journal stays (marked cancelled); the new run takes the next id.
                await client.CancelAsync(latest.RunId, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var journaled = await CountJournaledAsync(store, latest.RunId, cancellationToken).ConfigureAwait(false);
                var state = Describe(latest) is { } started && started.Fingerprint != input.Fingerprint
                    ? $"{journaled} trials journaled). It was started as {started.Describe()}."
                    : $"{journaled} of {plan.Total} trials journaled).";
                throw new WorkflowRunStateException(latest.RunId, latest.Status,
                    $"Eval run {latest.RunId} in {store.Description} is unfinished ({state} "
                    + "Pass --resume (EvalRunOptions.Resume) to continue it, or --fresh (EvalRunOptions.Fresh) to start over.");
            }
        }
        else if (latest is { Status: WorkflowRunStatus.Completed } && options.Resume)
        {
            // Nothing left to run: read the finished eval back from its journal.
            CheckSameEval(latest, input, store);
            foreach (var row in await ReadJournalAsync(store, latest.RunId, cancellationToken).ConfigureAwait(false))
            {
                pool.Accept(row);
            }

            return Result(plan, pool, interrupted: false, latest.CreatedAt, options.Clock.GetUtcNow(), latest.RunId);
        }

        var run = await client.StartAsync<EvalJournalWorkflow, EvalJournalInput, EvalJournalOutput>(input, new StartWorkflowOptions { RunId = runId }, cancellationToken).ConfigureAwait(false);
        var worker = new WorkflowWorker(new EvalRunClaimFilter(store, runId), registry, engine);
        try
        {
            while (true)
            {
                try
                {
                    await worker.RunUntilIdleAsync(session.WorkerStop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (session.WorkerStop.IsCancellationRequested)
                {
                }

                run = await client.GetRunAsync(runId, CancellationToken.None).ConfigureAwait(false);
                if (WorkflowClient.IsFinished(run.Status) || session.WorkerStop.IsCancellationRequested)
                {
                    break;
                }

                // Another process claimed the run for a moment (an eval sharing the store gives foreign runs straight back).
                CheckNotHeldElsewhere(run, options.Clock, store);
                await Task.Delay(TimeSpan.FromMilliseconds(50), options.Clock, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            var poolError = await session.StopPoolAsync().ConfigureAwait(false);
            if (poolError is EvalScorerException scorerError)
            {
                throw scorerError;
            }
        }

        switch (run.Status)
        {
            case WorkflowRunStatus.Completed:
                return Result(plan, pool, interrupted: false, run.CreatedAt, options.Clock.GetUtcNow(), runId);
            case WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled:
                throw new WorkflowRunFailedException(runId, run.Status, run.Error);
            default:
                return Result(plan, pool, interrupted: true, run.CreatedAt, options.Clock.GetUtcNow(), runId);
        }
    }

    private static EvalRunResult Result(EvalRunPlan plan, EvalTrialPool pool, bool interrupted, DateTimeOffset started, DateTimeOffset finished, string? runId)
    {
        var rows = pool.Rows();
        return new EvalRunResult
        {
            SuiteName = plan.Suite.Name,
            Seed = plan.Seed,
            Trials = plan.Trials,
            Configurations = [.. plan.Configurations.Select(c => c.Name)],
            TotalTrials = plan.Total,
            Results = rows,
            Interrupted = interrupted || rows.Count < plan.Total,
            StartedAt = started,
            FinishedAt = finished,
            RunId = runId,
            ResumedTrials = pool.Resumed,
        };
    }

    /// <summary>The newest run of this eval (ids <c>base</c>, <c>base#2</c>, <c>base#3</c>, … — each fresh start takes the
    /// next) and the id a new run would take.</summary>
    private static async Task<(WorkflowRun? Latest, string NextId)> FindLatestAsync(IWorkflowStore store, string baseId, CancellationToken cancellationToken)
    {
        WorkflowRun? latest = null;
        for (var generation = 1; ; generation++)
        {
            var id = generation == 1 ? baseId : $"{baseId}#{generation}";
            var run = await store.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
            if (run is null)
            {
                return (latest, id);
            }

            latest = run;
        }
    }

    private static EvalJournalInput? Describe(WorkflowRun run) =>
        run.InputJson is null ? null : JsonSerializer.Deserialize<EvalJournalInput>(run.InputJson, JournalJson);

    private static void CheckSameEval(WorkflowRun run, EvalJournalInput input, IWorkflowStore store)
    {
        var journaled = Describe(run);
        if (journaled?.Fingerprint != input.Fingerprint)
        {
            throw new WorkflowRunStateException(run.RunId, run.Status,
                $"Eval run {run.RunId} in {store.Description} was started as {journaled?.Describe() ?? "another eval"}; this eval is {input.Describe()}. "
                + "Run it with the same suite, options and code to resume it, or choose another run id.");
        }
    }

    private static void CheckNotHeldElsewhere(WorkflowRun run, TimeProvider clock, IWorkflowStore store)
    {
        if (run.Status == WorkflowRunStatus.Running && run.LeaseExpiresAt is { } expires && expires > clock.GetUtcNow())
        {
            throw new WorkflowRunStateException(run.RunId, run.Status,
                $"Eval run {run.RunId} in {store.Description} is being run by {run.LeaseOwner} (lease until {expires:u}). "
                + "Wait for that process to finish; if it died, resume again after the lease runs out.");
        }
    }

    private static async Task<int> CountJournaledAsync(IWorkflowStore store, string runId, CancellationToken cancellationToken) =>
        (await ReadJournalAsync(store, runId, cancellationToken).ConfigureAwait(false)).Count;

    private static async Task<List<EvalTrialResult>> ReadJournalAsync(IWorkflowStore store, string runId, CancellationToken cancellationToken)
    {
        var rows = new List<EvalTrialResult>();
        foreach (var step in await store.GetStepsAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            if (step is { Name: EvalJournalWorkflow.StepName, Status: StepStatus.Completed, Item: < 0, OutputJson: { } json })
            {
                rows.AddRange(JsonSerializer.Deserialize<List<EvalTrialResult>>(json, JournalJson) ?? []);
            }
        }

        return rows;
    }
}
