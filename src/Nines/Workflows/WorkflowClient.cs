using Nines.Workflows.Storage;

namespace Nines.Workflows;

/// <summary>Starts runs, reads their status and results, signals and cancels them — from any process that reaches the store.</summary>
/// <remarks>Thread-safe. It does not execute runs; a <see cref="WorkflowWorker"/> (here or elsewhere) does.</remarks>
public sealed class WorkflowClient
{
    private readonly IWorkflowStore _store;
    private readonly WorkflowRegistry _registry;
    private readonly WorkflowEngineOptions _options;
    private readonly WorkflowPayloads _payloads;
    private int _initialized;

    /// <summary>Creates a client.</summary>
    public WorkflowClient(IWorkflowStore store, WorkflowRegistry? registry = null, WorkflowEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _registry = registry ?? new WorkflowRegistry();
        _options = options ?? new WorkflowEngineOptions();
        _options.Validate();
        _payloads = new WorkflowPayloads(_options);
    }

    /// <summary>The store this client talks to.</summary>
    public IWorkflowStore Store => _store;

    /// <summary>Starts a run of a registered workflow class; with a caller-chosen run id the start is idempotent.</summary>
    /// <returns>The run (the existing one when the id was already started).</returns>
    public Task<WorkflowRun> StartAsync<TWorkflow, TInput, TOutput>(TInput input, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
        where TWorkflow : class, IWorkflow<TInput, TOutput>
    {
        var key = WorkflowRegistry.KeyOf(typeof(TWorkflow));
        return StartAsync(key.Workflow, input, options ?? new StartWorkflowOptions { Version = key.Version }, cancellationToken);
    }

    /// <summary>Starts a run of a workflow by name (the highest registered version unless the options name one).</summary>
    /// <exception cref="WorkflowRunStateException">The run id is taken by a run of another workflow.</exception>
    public async Task<WorkflowRun> StartAsync<TInput>(string workflow, TInput input, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflow);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var version = options?.Version ?? _registry.LatestVersion(workflow)
            ?? throw new ArgumentException($"Workflow '{workflow}' is not registered with this client, so its version is unknown. Register the workflow class, or pass StartWorkflowOptions.Version.", nameof(workflow));
        var runId = options?.RunId ?? Guid.NewGuid().ToString("N");
        var (run, created) = await _store.CreateRunAsync(new NewWorkflowRun
        {
            RunId = runId,
            Workflow = workflow,
            Version = version,
            InputJson = _payloads.Serialize(input, new PayloadRedactionContext(runId, workflow, "input", null)),
            CreatedAt = _options.TimeProvider.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        if (!created && run.Workflow != workflow)
        {
            throw new WorkflowRunStateException(run.RunId, run.Status, $"Run id '{runId}' is already used by a run of workflow '{run.Workflow}', not '{workflow}'. Choose another run id.");
        }

        if (created)
        {
            WorkflowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("workflow", workflow));
        }

        return run;
    }

    /// <summary>Reads a run.</summary>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    public async Task<WorkflowRun> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowRunNotFoundException(runId, _store.Description);
    }

    /// <summary>Reads a run's journal (its step timeline).</summary>
    public async Task<IReadOnlyList<WorkflowStep>> GetStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return await _store.GetStepsAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists runs, newest first.</summary>
    public async Task<IReadOnlyList<WorkflowRun>> ListAsync(WorkflowRunQuery? query = null, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.ListRunsAsync(query ?? new WorkflowRunQuery(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a completed run's result.</summary>
    /// <exception cref="WorkflowRunFailedException">The run failed or was cancelled.</exception>
    /// <exception cref="WorkflowRunStateException">The run has not finished yet.</exception>
    public async Task<TOutput> GetResultAsync<TOutput>(string runId, CancellationToken cancellationToken = default)
    {
        var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return ResultOf<TOutput>(run);
    }

    /// <summary>Sends a signal; a run waiting for it resumes. Signals of one name are delivered exactly once each, in order.</summary>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    /// <exception cref="WorkflowRunStateException">The run has finished.</exception>
    public async Task SignalAsync<T>(string runId, string name, T payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var json = _payloads.Serialize(payload, new PayloadRedactionContext(runId, "?", $"signal '{name}'", StepKind.Signal));
        await _store.SendSignalAsync(runId, name, json, _options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for a run to be cancelled; a worker stops it at its next context call. Returns false when it had already finished.</summary>
    /// <exception cref="WorkflowRunNotFoundException">No run has that id.</exception>
    public async Task<bool> CancelAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.RequestCancelAsync(runId, _options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes runs that finished more than <paramref name="olderThan"/> ago, with their journals and signals; never an
    /// unfinished run or a child whose parent is unfinished. Each run is handed to <paramref name="archive"/> first when given.
    /// </summary>
    public async Task<WorkflowPruneResult> PruneAsync(TimeSpan olderThan, Func<ArchivedWorkflowRun, CancellationToken, Task>? archive = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.PruneAsync(_options.TimeProvider.GetUtcNow() - olderThan, archive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until a run finishes (completed, failed or cancelled) and returns it; polls every <see cref="WorkflowEngineOptions.PollInterval"/>.</summary>
    /// <exception cref="TimeoutException">It did not finish within <paramref name="timeout"/>.</exception>
    public async Task<WorkflowRun> WaitForCompletionAsync(string runId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var time = _options.TimeProvider;
        var deadline = timeout is { } t ? time.GetUtcNow() + t : DateTimeOffset.MaxValue;
        while (true)
        {
            var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (IsFinished(run.Status))
            {
                return run;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"Run {runId} is still {run.Status.ToString().ToLowerInvariant()} after {timeout}" + (run.WaitingFor is null ? "." : $" (waiting for {run.WaitingFor})."));
            }

            await Task.Delay(_options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until a run finishes and returns its result.</summary>
    /// <exception cref="WorkflowRunFailedException">The run failed or was cancelled.</exception>
    public async Task<TOutput> WaitForResultAsync<TOutput>(string runId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var run = await WaitForCompletionAsync(runId, timeout, cancellationToken).ConfigureAwait(false);
        return ResultOf<TOutput>(run);
    }

    /// <summary>True for completed, failed and cancelled.</summary>
    public static bool IsFinished(WorkflowRunStatus status) =>
        status is WorkflowRunStatus.Completed or WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled;

    private TOutput ResultOf<TOutput>(WorkflowRun run) => run.Status switch
    {
        WorkflowRunStatus.Completed => _payloads.Deserialize<TOutput>(run.OutputJson, new PayloadRedactionContext(run.RunId, run.Workflow, "output", null)),
        WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled => throw new WorkflowRunFailedException(run.RunId, run.Status, run.Error),
        _ => throw new WorkflowRunStateException(run.RunId, run.Status, $"Run {run.RunId} is {run.Status.ToString().ToLowerInvariant()}, not finished; wait with WaitForResultAsync."),
    };

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _initialized) == 0)
        {
            await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _initialized, 1);
        }
    }

    /// <summary>Reads a completed step's journaled output with this client's payload options.</summary>
    internal T DeserializeStepOutput<T>(WorkflowStep step) =>
        _payloads.Deserialize<T>(step.OutputJson, new PayloadRedactionContext(step.RunId, string.Empty, step.Name, step.Kind));
}
