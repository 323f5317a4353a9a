using System.Collections.Concurrent;
using System.Diagnostics;
using Nines.Workflows.Storage;

namespace Nines.Workflows;

/// <summary>Everything one execution of one run shares between its context and its executor.</summary>
internal sealed class RunState : IDisposable
{
    private readonly ConcurrentDictionary<(int Position, int Item), WorkflowStep> _journal = new();
    private readonly List<WorkflowStep> _buffer = [];
    private readonly List<WorkflowSuspension> _suspensions = [];
    private readonly TaskCompletionSource _suspended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _boundary = new();
    private readonly CancellationTokenSource _steps = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _idle = NewIdle(completed: true);
    private int _nextPosition;
    private int _activeOperations;
    private volatile bool _interrupted;

    public RunState(IWorkflowStore store, WorkflowLease lease, WorkflowRun run, IReadOnlyList<WorkflowStep> journal, WorkflowRegistry registry, WorkflowEngineOptions options, IServiceProvider? services)
    {
        Store = store;
        Lease = lease;
        Run = run;
        Registry = registry;
        Options = options;
        Services = services;
        Payloads = new WorkflowPayloads(options);
        foreach (var step in journal)
        {
            _journal[(step.Position, step.Item)] = step;
            if (step.Item < 0)
            {
                MaxJournalPosition = Math.Max(MaxJournalPosition, step.Position);
            }
        }
    }

    public IWorkflowStore Store { get; }

    public WorkflowLease Lease { get; }

    public WorkflowRun Run { get; }

    public WorkflowRegistry Registry { get; }

    public WorkflowEngineOptions Options { get; }

    public IServiceProvider? Services { get; }

    public WorkflowPayloads Payloads { get; }

    public TimeProvider Time => Options.TimeProvider;

    public int MaxJournalPosition { get; } = -1;

    /// <summary>Cancelled when the run must stop at the next context call (cancel requested, lease lost, shutdown).</summary>
    public CancellationToken BoundaryToken => _boundary.Token;

    /// <summary>Cancelled when step bodies must stop (cancel requested, lease lost, shutdown grace over).</summary>
    public CancellationToken StepToken => _steps.Token;

    public bool LeaseLost { get; private set; }

    public bool CancelRequested { get; private set; }

    /// <summary>True once the worker is shutting down (read from the token too: its callbacks may not have run yet).</summary>
    public bool Interrupted => _interrupted || ShutdownToken.IsCancellationRequested;

    public CancellationToken ShutdownToken { get; init; }

    public WorkflowNondeterminismException? Nondeterminism { get; private set; }

    public Task Suspended => _suspended.Task;

    public int PositionsUsed => Volatile.Read(ref _nextPosition);

    public void OnLeaseLost()
    {
        LeaseLost = true;
        _boundary.Cancel();
        _steps.Cancel();
    }

    public void OnCancelRequested()
    {
        CancelRequested = true;
        _boundary.Cancel();
        _steps.Cancel();
    }

    public void OnShutdown()
    {
        _interrupted = true;
        _boundary.Cancel();
    }

    public void OnShutdownGraceOver() => _steps.Cancel();

    /// <summary>Starts a context call: refuses new work once the run must stop, and counts it until disposed.</summary>
    public Operation Enter()
    {
        _boundary.Token.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_activeOperations++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        return new Operation(this);
    }

    /// <summary>Takes the next journal position and checks the journal's entry there against the call.</summary>
    public int Begin(string name, StepKind kind, out WorkflowStep? journaled)
    {
        var position = Interlocked.Increment(ref _nextPosition) - 1;
        journaled = _journal.GetValueOrDefault((position, -1));
        if (journaled is not null && (journaled.Name != name || journaled.Kind != kind))
        {
            var error = new WorkflowNondeterminismException(Run.RunId, Run.Workflow, Run.Version, position, journaled.Name, journaled.Kind, name, kind);
            Nondeterminism ??= error;
            throw error;
        }

        return position;
    }

    public WorkflowStep? Lookup(int position, int item) => _journal.GetValueOrDefault((position, item));

    /// <summary>Records the workflow code ending before the journal does: a removed step is nondeterminism too.</summary>
    public void CheckJournalConsumed()
    {
        var used = PositionsUsed;
        if (used <= MaxJournalPosition)
        {
            var next = _journal[(used, -1)];
            Nondeterminism ??= new WorkflowNondeterminismException(Run.RunId, Run.Workflow, Run.Version, used, next.Name, next.Kind, "(end of workflow)", null);
        }
    }

    /// <summary>Queues a journal entry that is written with the next write (journaled time, randomness, ids: losing them in a crash is harmless because nothing outside saw them).</summary>
    public void Buffer(WorkflowStep step)
    {
        lock (_lock)
        {
            _buffer.Add(step);
        }

        _journal[(step.Position, step.Item)] = step;
    }

    /// <summary>Writes entries (and everything buffered) in one fenced transaction.</summary>
    public async Task SaveAsync(params WorkflowStep[] steps)
    {
        List<WorkflowStep> batch;
        lock (_lock)
        {
            batch = [.. _buffer, .. steps];
            _buffer.Clear();
        }

        if (batch.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            // Not the step token: a finished step's result is worth writing even while shutting down.
            await Store.SaveStepsAsync(Lease, batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (WorkflowLeaseLostException)
        {
            OnLeaseLost();
            throw;
        }
        catch
        {
            lock (_lock)
            {
                _buffer.InsertRange(0, batch.Where(s => !steps.Contains(s)));
            }

            throw;
        }

        WorkflowTelemetry.JournalWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        foreach (var step in steps)
        {
            _journal[(step.Position, step.Item)] = step;
        }
    }

    /// <summary>Whether any buffered entry still waits for a write.</summary>
    public bool HasBuffered
    {
        get
        {
            lock (_lock)
            {
                return _buffer.Count > 0;
            }
        }
    }

    /// <summary>Asks the executor to suspend the run; the returned task never completes (the workflow code is abandoned at this await).</summary>
    public Task<T> Suspend<T>(WorkflowSuspension suspension)
    {
        lock (_lock)
        {
            _suspensions.Add(suspension);
        }

        _suspended.TrySetResult();
        return new TaskCompletionSource<T>().Task;
    }

    /// <summary>The suspension to record: the earliest wake time, and the first wait's signal or child.</summary>
    public WorkflowSuspension? TakeSuspension(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_suspensions.Count == 0)
            {
                return null;
            }

            var first = _suspensions[0];
            var wake = _suspensions.Where(s => s.WakeAt is not null).Select(s => s.WakeAt).Min();
            return first with
            {
                WakeAt = wake,
                WaitingFor = string.Join(", ", _suspensions.Select(s => s.WaitingFor)),
                Now = now,
            };
        }
    }

    /// <summary>Completes when no context call is in flight.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return _idle.Task;
        }
    }

    public void Dispose()
    {
        _boundary.Dispose();
        _steps.Dispose();
    }

    private void Exit()
    {
        lock (_lock)
        {
            if (--_activeOperations == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }

    /// <summary>One context call in flight; disposing it twice is harmless (a suspending call leaves early).</summary>
    public sealed class Operation(RunState state) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                state.Exit();
            }
        }
    }
}
