using System.Diagnostics;
using Nines.Workflows.Storage;

namespace Nines.Workflows;

/// <summary>
/// The one object workflow code talks to: every step, effect, timer, signal, clock read and child run goes
/// through it, so it is journaled once and replayed from the journal after a crash.
/// </summary>
/// <remarks>
/// Context calls are numbered in the order the code makes them; on replay the same call must come at the same
/// position with the same name and kind, or the run stops with <see cref="WorkflowNondeterminismException"/>.
/// Start concurrent calls (e.g. <c>Task.WhenAll</c>) in a fixed order. Not for use outside the workflow's own execution.
/// </remarks>
public sealed class WorkflowContext
{
    /// <summary>The suffix of a map item's journal name once its escalated attempt ran.</summary>
    internal const string EscalatedSuffix = " (escalated)";

    /// <summary>The journal's error type on an item that succeeded only when escalated; its error holds the primary's failure.</summary>
    internal const string EscalatedErrorType = "Escalated";

    private Random? _random;

    internal WorkflowContext(RunState state)
    {
        State = state;
    }

    /// <summary>The run's id.</summary>
    public string RunId => State.Run.RunId;

    /// <summary>The workflow name.</summary>
    public string Workflow => State.Run.Workflow;

    /// <summary>The workflow version the run started with.</summary>
    public int Version => State.Run.Version;

    /// <summary>Cancelled when step bodies must stop: the run was cancelled, another worker took it over, or the worker is shutting down.</summary>
    public CancellationToken CancellationToken => State.StepToken;

    /// <summary>The current time, journaled: a replay reads the same value.</summary>
    public DateTimeOffset UtcNow
    {
        get
        {
            var position = State.Begin("now", StepKind.Now, out var journaled);
            if (journaled is not null)
            {
                return Replay<DateTimeOffset>(journaled);
            }

            var now = State.Time.GetUtcNow();
            BufferValue(position, "now", StepKind.Now, now);
            return now;
        }
    }

    /// <summary>A random source seeded once per run from a journaled seed: a replay draws the same numbers in the same order.</summary>
    public Random Random
    {
        get
        {
            if (_random is not null)
            {
                return _random;
            }

            var position = State.Begin("random", StepKind.Random, out var journaled);
            int seed;
            if (journaled is not null)
            {
                seed = Replay<int>(journaled);
            }
            else
            {
                seed = NextSeed(State.Options.SeedSource);
                BufferValue(position, "random", StepKind.Random, seed);
            }

            return _random = new Random(seed);
        }
    }

    internal RunState State { get; }

    /// <summary>A new GUID, journaled: a replay returns the same one.</summary>
    public Guid NewGuid()
    {
        var position = State.Begin("guid", StepKind.Guid, out var journaled);
        if (journaled is not null)
        {
            return Replay<Guid>(journaled);
        }

        var guid = Guid.NewGuid();
        BufferValue(position, "guid", StepKind.Guid, guid);
        return guid;
    }

    /// <summary>Runs a step once: its result is journaled before the workflow moves on, and a replay returns it without running the body.</summary>
    /// <param name="name">The step name; part of the determinism check.</param>
    /// <param name="body">The work, e.g. a model call. It may run more than once if the process dies before its result is journaled.</param>
    /// <param name="options">Retries before the failure is journaled.</param>
    /// <exception cref="WorkflowStepFailedException">The body failed (after retries); journaled, so replay throws it too.</exception>
    public async Task<T> StepAsync<T>(string name, Func<CancellationToken, Task<T>> body, StepOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(body);
        options?.Validate(name);
        using var operation = State.Enter();
        var position = State.Begin(name, StepKind.Step, out var journaled);
        if (journaled is { Status: not StepStatus.Started })
        {
            return Replay<T>(journaled);
        }

        var started = State.Time.GetUtcNow();
        var attempt = await AttemptAsync(name, StepKind.Step, position, options, (_, ct) => body(ct)).ConfigureAwait(false);
        return await FinishAsync(attempt, new WorkflowStep
        {
            RunId = RunId,
            Position = position,
            Name = name,
            Kind = StepKind.Step,
            Status = StepStatus.Completed,
            StartedAt = started,
        }).ConfigureAwait(false);
    }

    /// <summary>Runs a step that returns nothing; see <see cref="StepAsync{T}(string, Func{CancellationToken, Task{T}}, StepOptions?)"/>.</summary>
    public Task StepAsync(string name, Func<CancellationToken, Task> body, StepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return StepAsync<bool>(name, async ct =>
        {
            await body(ct).ConfigureAwait(false);
            return true;
        }, options);
    }

    /// <summary>
    /// Runs an external effect (a payment, an email) exactly once as the outside world sees it: the intent and an
    /// idempotency key are journaled before the call. After a crash between the call and the journal write,
    /// <paramref name="reconcile"/> asks the outside world whether the key was applied; without it the action is
    /// called again with the same key, which the receiving service must deduplicate.
    /// </summary>
    /// <param name="name">The effect name; part of the determinism check.</param>
    /// <param name="action">The effect, given the idempotency key (stable across restarts) and a cancellation token.</param>
    /// <param name="reconcile">Looks the key up after a crash.</param>
    /// <param name="options">Retries (with the same key) before the failure is journaled.</param>
    public async Task<T> EffectAsync<T>(
        string name,
        Func<string, CancellationToken, Task<T>> action,
        Func<string, CancellationToken, Task<EffectLookup<T>>>? reconcile = null,
        StepOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(action);
        options?.Validate(name);
        using var operation = State.Enter();
        var position = State.Begin(name, StepKind.Effect, out var journaled);
        if (journaled is { Status: not StepStatus.Started })
        {
            return Replay<T>(journaled);
        }

        var key = journaled?.IdempotencyKey ?? $"{RunId}/{position}/{name}";
        var intent = journaled ?? new WorkflowStep
        {
            RunId = RunId,
            Position = position,
            Name = name,
            Kind = StepKind.Effect,
            Status = StepStatus.Started,
            IdempotencyKey = key,
            StartedAt = State.Time.GetUtcNow(),
        };
        if (journaled is null)
        {
            await State.SaveAsync(intent).ConfigureAwait(false);
        }
        else if (reconcile is not null)
        {
            // The intent is journaled but the result is not: the process died between the call and the record.
            var lookup = await reconcile(key, State.StepToken).ConfigureAwait(false);
            if (lookup.WasApplied)
            {
                return await FinishAsync(new Attempt<T>(lookup.Value!, null, 1), intent with { Status = StepStatus.Completed }).ConfigureAwait(false);
            }
        }

        var attempt = await AttemptAsync(name, StepKind.Effect, position, options, (_, ct) => action(key, ct)).ConfigureAwait(false);
        return await FinishAsync(attempt, intent with { Status = StepStatus.Completed }).ConfigureAwait(false);
    }

    /// <summary>Waits durably: the run suspends and frees the worker; it resumes when the time comes, across restarts.</summary>
    /// <param name="duration">How long to wait, from the first time this call runs.</param>
    /// <param name="name">A name for the timer in the journal.</param>
    public Task SleepAsync(TimeSpan duration, string name = "sleep")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SleepCoreAsync(duration, name);
    }

    /// <summary>
    /// Waits durably for a signal sent with <see cref="WorkflowClient.SignalAsync"/> (or <c>nines runs signal</c>).
    /// Signals of one name are delivered exactly once each, in the order sent; one sent before the wait is kept for it.
    /// </summary>
    /// <param name="name">The signal name.</param>
    /// <param name="timeout">How long to wait from the first time this call runs; null waits forever.</param>
    /// <exception cref="WorkflowSignalTimeoutException">No signal arrived in time (journaled, so replay throws it too).</exception>
    public async Task<T> WaitForSignalAsync<T>(string name, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (timeout is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(t, TimeSpan.Zero);
        }

        var operation = State.Enter();
        try
        {
            var position = State.Begin(name, StepKind.Signal, out var journaled);
            if (journaled is { Status: not StepStatus.Started })
            {
                return Replay<T>(journaled);
            }

            var now = State.Time.GetUtcNow();
            var step = new WorkflowStep
            {
                RunId = RunId,
                Position = position,
                Name = name,
                Kind = StepKind.Signal,
                Status = StepStatus.Completed,
                StartedAt = journaled?.StartedAt ?? now,
                WakeAt = journaled?.WakeAt ?? (timeout is { } wait ? now + wait : null),
                CompletedAt = now,
                Attempts = 1,
            };
            var signal = await ConsumeSignalAsync(name, step).ConfigureAwait(false);
            if (signal is not null)
            {
                CountExecuted(StepKind.Signal, "completed");
                return State.Payloads.Deserialize<T>(signal.PayloadJson, Where(name, StepKind.Signal));
            }

            if (step.WakeAt is { } deadline && now >= deadline)
            {
                var timedOut = new WorkflowSignalTimeoutException(name, deadline);
                await State.SaveAsync(step with { Status = StepStatus.Failed, ErrorType = nameof(WorkflowSignalTimeoutException), Error = timedOut.ErrorMessage }).ConfigureAwait(false);
                CountExecuted(StepKind.Signal, "timeout");
                throw timedOut;
            }

            if (journaled is null)
            {
                await State.SaveAsync(step with { Status = StepStatus.Started, CompletedAt = null, Attempts = 0 }).ConfigureAwait(false);
            }

            operation.Dispose();
            return await State.Suspend<T>(new WorkflowSuspension
            {
                WakeAt = step.WakeAt,
                WaitingFor = $"signal:{name}",
                SignalName = name,
                Now = now,
            }).ConfigureAwait(false);
        }
        finally
        {
            operation.Dispose();
        }
    }

    /// <summary>
    /// Runs another workflow as a child run (its own journal, its own worker claims) and waits durably for its
    /// result. The child's id is derived from this run and position, so a replay never starts it twice.
    /// </summary>
    /// <param name="input">The child's input.</param>
    /// <param name="name">A name for the call in the journal; the child workflow's name by default.</param>
    /// <exception cref="WorkflowStepFailedException">The child failed or was cancelled.</exception>
    public async Task<TOutput> RunChildAsync<TWorkflow, TInput, TOutput>(TInput input, string? name = null)
        where TWorkflow : class, IWorkflow<TInput, TOutput>
    {
        var registration = State.Registry.Get(typeof(TWorkflow));
        var stepName = name ?? registration.Key.Workflow;
        var operation = State.Enter();
        try
        {
            var position = State.Begin(stepName, StepKind.Child, out var journaled);
            if (journaled is { Status: not StepStatus.Started })
            {
                return Replay<TOutput>(journaled);
            }

            var now = State.Time.GetUtcNow();
            var childId = journaled?.IdempotencyKey ?? $"{RunId}/{position}";
            var step = journaled ?? new WorkflowStep
            {
                RunId = RunId,
                Position = position,
                Name = stepName,
                Kind = StepKind.Child,
                Status = StepStatus.Started,
                IdempotencyKey = childId,
                StartedAt = now,
            };
            if (journaled is null)
            {
                // Journal the intent first: a replay then finds the child by its id instead of starting another.
                await State.SaveAsync(step).ConfigureAwait(false);
                var (_, created) = await State.Store.CreateRunAsync(new NewWorkflowRun
                {
                    RunId = childId,
                    Workflow = registration.Key.Workflow,
                    Version = registration.Key.Version,
                    InputJson = State.Payloads.Serialize(input, Where(stepName, StepKind.Child)),
                    ParentRunId = RunId,
                    CreatedAt = now,
                }, CancellationToken.None).ConfigureAwait(false);
                if (created)
                {
                    WorkflowTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("workflow", registration.Key.Workflow));
                }
            }

            var child = await State.Store.GetRunAsync(childId, CancellationToken.None).ConfigureAwait(false)
                ?? throw new WorkflowException($"Child run {childId} of run {RunId} is missing from {State.Store.Description}; it may have been deleted by hand.");
            switch (child.Status)
            {
                case WorkflowRunStatus.Completed:
                    await State.SaveAsync(step with { Status = StepStatus.Completed, OutputJson = child.OutputJson, CompletedAt = now, Attempts = 1 }).ConfigureAwait(false);
                    CountExecuted(StepKind.Child, "completed");
                    return State.Payloads.Deserialize<TOutput>(child.OutputJson, Where(stepName, StepKind.Child));
                case WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled:
                    var error = $"child run {childId} ended {child.Status.ToString().ToLowerInvariant()}: {child.Error}";
                    await State.SaveAsync(step with { Status = StepStatus.Failed, Error = error, ErrorType = nameof(WorkflowRunFailedException), CompletedAt = now, Attempts = 1 }).ConfigureAwait(false);
                    CountExecuted(StepKind.Child, "failed");
                    throw new WorkflowStepFailedException(stepName, nameof(WorkflowRunFailedException), error);
                default:
                    operation.Dispose();
                    return await State.Suspend<TOutput>(new WorkflowSuspension
                    {
                        WaitingFor = $"child:{childId}",
                        ChildRunId = childId,
                        Now = now,
                    }).ConfigureAwait(false);
            }
        }
        finally
        {
            operation.Dispose();
        }
    }

    /// <summary>
    /// Fans out over <paramref name="items"/> with bounded concurrency; each item is journaled on its own, so after a
    /// crash only unfinished items run again. Fails with <see cref="MapQuorumException"/> (every item's outcome
    /// attached) when fewer than <see cref="MapOptions.MinSuccessRatio"/> of the items succeed.
    /// </summary>
    public async Task<MapResult<TResult>> MapAsync<TItem, TResult>(
        string name,
        IReadOnlyList<TItem> items,
        Func<TItem, CancellationToken, Task<TResult>> body,
        MapOptions? options = null)
    {
        options ??= new MapOptions();
        var (result, quorum) = await MapCoreAsync(name, items, body, escalate: null, options).ConfigureAwait(false);
        return quorum
            ? result
            : throw new MapQuorumException(name, result.Items.Count(r => r.Succeeded), items.Count, options.MinSuccessRatio, [.. result.Failures.Select(f => (f.Index, f.Error ?? "failed"))]);
    }

    /// <summary>
    /// The map behind <see cref="MapAsync{TItem, TResult}"/>, plus escalation: an item whose body failed after
    /// <see cref="MapOptions.ItemOptions"/> retries gets one attempt of <paramref name="escalate"/>, journaled as the
    /// same item with the name suffix <see cref="EscalatedSuffix"/>. Returns instead of throwing when the quorum is missed.
    /// </summary>
    internal async Task<(MapResult<TResult> Result, bool QuorumMet)> MapCoreAsync<TItem, TResult>(
        string name,
        IReadOnlyList<TItem> items,
        Func<TItem, CancellationToken, Task<TResult>> body,
        Func<TItem, CancellationToken, Task<TResult>>? escalate,
        MapOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(name);
        using var operation = State.Enter();
        var position = State.Begin(name, StepKind.Map, out var journaled);
        var started = journaled?.StartedAt ?? State.Time.GetUtcNow();
        if (journaled is null)
        {
            State.Buffer(new WorkflowStep { RunId = RunId, Position = position, Name = name, Kind = StepKind.Map, Status = StepStatus.Started, StartedAt = started });
        }

        var results = new MapItemResult<TResult>[items.Count];
        var pending = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = State.Lookup(position, i);
            switch (item?.Status)
            {
                case StepStatus.Completed:
                    results[i] = new MapItemResult<TResult>(i, true, State.Payloads.Deserialize<TResult>(item.OutputJson, Where(item.Name, StepKind.MapItem)), null)
                    {
                        Attempts = item.Attempts,
                        Escalated = IsEscalated(item),
                        PrimaryError = IsEscalated(item) ? item.Error : null,
                    };
                    break;
                case StepStatus.Failed:
                    results[i] = new MapItemResult<TResult>(i, false, default, IsEscalated(item) || item.ErrorType is null ? item.Error : $"{item.ErrorType}: {item.Error}")
                    {
                        Attempts = item.Attempts,
                        Escalated = IsEscalated(item),
                    };
                    break;
                default:
                    pending.Add(i);
                    break;
            }
        }

        using var gate = new SemaphoreSlim(options.MaxConcurrency);
        await Task.WhenAll(pending.Select(async i =>
        {
            await gate.WaitAsync(State.BoundaryToken).ConfigureAwait(false);
            try
            {
                var itemName = $"{name}[{i}]";
                var itemStarted = State.Time.GetUtcNow();
                var attempt = await AttemptAsync(itemName, StepKind.MapItem, position, options.ItemOptions, (_, ct) => body(items[i], ct)).ConfigureAwait(false);
                string? primaryError = null;
                var attempts = attempt.Attempts;
                if (attempt.Error is not null && escalate is not null)
                {
                    // Only once the primary's retries are spent: one attempt of the stronger handler, no retries of its own.
                    primaryError = $"primary failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: {attempt.Error.GetType().Name}: {attempt.Error.Message}";
                    itemName += EscalatedSuffix;
                    attempt = await AttemptAsync(itemName, StepKind.MapItem, position, options: null, (_, ct) => escalate(items[i], ct)).ConfigureAwait(false);
                    attempts++;
                }

                var step = new WorkflowStep
                {
                    RunId = RunId,
                    Position = position,
                    Item = i,
                    Name = itemName,
                    Kind = StepKind.MapItem,
                    Status = attempt.Error is null ? StepStatus.Completed : StepStatus.Failed,
                    Attempts = attempts,
                    StartedAt = itemStarted,
                    CompletedAt = State.Time.GetUtcNow(),
                };
                if (attempt.Error is null)
                {
                    // An escalated success keeps the primary's failure in the journal (Error with ErrorType "Escalated"),
                    // so `nines runs show` says why the stronger handler was needed.
                    await State.SaveAsync(step with
                    {
                        OutputJson = State.Payloads.Serialize(attempt.Value, Where(itemName, StepKind.MapItem)),
                        Error = primaryError,
                        ErrorType = primaryError is null ? null : EscalatedErrorType,
                    }).ConfigureAwait(false);
                    results[i] = new MapItemResult<TResult>(i, true, attempt.Value, null) { Attempts = attempts, Escalated = primaryError is not null, PrimaryError = primaryError };
                }
                else
                {
                    var error = primaryError is null
                        ? $"{attempt.Error.GetType().Name}: {attempt.Error.Message}"
                        : $"escalated attempt failed: {attempt.Error.GetType().Name}: {attempt.Error.Message}; {primaryError}";
                    await State.SaveAsync(step with
                    {
                        Error = primaryError is null ? attempt.Error.Message : error,
                        ErrorType = attempt.Error.GetType().Name,
                    }).ConfigureAwait(false);
                    results[i] = new MapItemResult<TResult>(i, false, default, error) { Attempts = attempts, Escalated = primaryError is not null };
                }
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);

        var result = new MapResult<TResult>(results);
        var succeeded = results.Count(r => r.Succeeded);
        var quorum = result.SuccessRatio + 1e-12 >= options.MinSuccessRatio;
        var finished = new WorkflowStep
        {
            RunId = RunId,
            Position = position,
            Name = name,
            Kind = StepKind.Map,
            Status = quorum ? StepStatus.Completed : StepStatus.Failed,
            Attempts = 1,
            StartedAt = started,
            CompletedAt = State.Time.GetUtcNow(),
            Error = quorum ? null : $"{succeeded} of {items.Count} items succeeded; {options.MinSuccessRatio:P0} required.",
            ErrorType = quorum ? null : nameof(MapQuorumException),
        };
        if (journaled?.Status != finished.Status)
        {
            await State.SaveAsync(finished).ConfigureAwait(false);
        }

        return (result, quorum);
    }

    private async Task SleepCoreAsync(TimeSpan duration, string name)
    {
        var operation = State.Enter();
        try
        {
            var position = State.Begin(name, StepKind.Sleep, out var journaled);
            if (journaled is { Status: not StepStatus.Started })
            {
                StepsReplayed(StepKind.Sleep);
                return;
            }

            var now = State.Time.GetUtcNow();
            var wake = journaled?.WakeAt ?? now + duration;
            var step = journaled ?? new WorkflowStep
            {
                RunId = RunId,
                Position = position,
                Name = name,
                Kind = StepKind.Sleep,
                Status = StepStatus.Started,
                WakeAt = wake,
                StartedAt = now,
            };
            if (now >= wake)
            {
                // Nothing outside saw the timer fire, so the record can ride on the next write.
                State.Buffer(step with { Status = StepStatus.Completed, CompletedAt = now, Attempts = 1 });
                CountExecuted(StepKind.Sleep, "completed");
                return;
            }

            if (journaled is null)
            {
                await State.SaveAsync(step).ConfigureAwait(false);
            }

            operation.Dispose();
            await State.Suspend<bool>(new WorkflowSuspension { WakeAt = wake, WaitingFor = $"timer:{wake:O}", Now = now }).ConfigureAwait(false);
        }
        finally
        {
            operation.Dispose();
        }
    }

    private async Task<WorkflowSignal?> ConsumeSignalAsync(string name, WorkflowStep step)
    {
        if (State.HasBuffered)
        {
            await State.SaveAsync().ConfigureAwait(false);
        }

        try
        {
            return await State.Store.TryConsumeSignalAsync(State.Lease, name, step, CancellationToken.None).ConfigureAwait(false);
        }
        catch (WorkflowLeaseLostException)
        {
            State.OnLeaseLost();
            throw;
        }
    }

    private async Task<Attempt<T>> AttemptAsync<T>(string name, StepKind kind, int position, StepOptions? options, Func<int, CancellationToken, Task<T>> body)
    {
        var maxAttempts = options?.MaxAttempts ?? 1;
        using var activity = WorkflowTelemetry.Source.StartActivity($"workflow.step {name}", ActivityKind.Internal);
        activity?.SetTag("nines.workflow.run_id", RunId);
        activity?.SetTag("nines.workflow.name", Workflow);
        activity?.SetTag("nines.workflow.version", Version);
        activity?.SetTag("nines.workflow.step", name);
        activity?.SetTag("nines.workflow.step.kind", kind.ToString());
        activity?.SetTag("nines.workflow.step.position", position);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                State.StepToken.ThrowIfCancellationRequested();
                var value = await body(attempt, State.StepToken).ConfigureAwait(false);
                activity?.SetTag("nines.workflow.step.attempt", attempt);
                activity?.SetTag("nines.workflow.step.outcome", "completed");
                CountExecuted(kind, "completed");
                return new Attempt<T>(value, null, attempt);
            }
            catch (OperationCanceledException) when (State.StepToken.IsCancellationRequested)
            {
                // The run is stopping (cancelled, taken over, shutting down): nothing is journaled.
                activity?.SetTag("nines.workflow.step.outcome", "interrupted");
                throw;
            }
            catch (Exception ex) when (attempt < maxAttempts && (options?.ShouldRetry?.Invoke(ex) ?? true))
            {
                activity?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["attempt"] = attempt, ["error"] = ex.GetType().Name }));
                await Task.Delay(options!.DelayBefore(attempt + 1), State.Time, State.StepToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                activity?.SetTag("nines.workflow.step.attempt", attempt);
                activity?.SetTag("nines.workflow.step.outcome", "failed");
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                CountExecuted(kind, "failed");
                return new Attempt<T>(default!, ex, attempt);
            }
        }
    }

    private async Task<T> FinishAsync<T>(Attempt<T> attempt, WorkflowStep step)
    {
        var now = State.Time.GetUtcNow();
        if (attempt.Error is null)
        {
            var json = State.Payloads.Serialize(attempt.Value, Where(step.Name, step.Kind));
            await State.SaveAsync(step with { Status = StepStatus.Completed, OutputJson = json, Attempts = attempt.Attempts, CompletedAt = now }).ConfigureAwait(false);
            return attempt.Value;
        }

        var error = attempt.Error;
        await State.SaveAsync(step with
        {
            Status = StepStatus.Failed,
            Error = error.Message,
            ErrorType = error.GetType().Name,
            Attempts = attempt.Attempts,
            CompletedAt = now,
        }).ConfigureAwait(false);
        throw new WorkflowStepFailedException(step.Name, error.GetType().Name, error.Message, error);
    }

    private T Replay<T>(WorkflowStep journaled)
    {
        StepsReplayed(journaled.Kind);
        if (journaled.Status == StepStatus.Failed)
        {
            throw journaled.ErrorType == nameof(WorkflowSignalTimeoutException) && journaled.WakeAt is { } deadline
                ? new WorkflowSignalTimeoutException(journaled.Name, deadline)
                : new WorkflowStepFailedException(journaled.Name, journaled.ErrorType, journaled.Error ?? "failed");
        }

        return State.Payloads.Deserialize<T>(journaled.OutputJson, Where(journaled.Name, journaled.Kind));
    }

    private void BufferValue<T>(int position, string name, StepKind kind, T value)
    {
        var now = State.Time.GetUtcNow();
        State.Buffer(new WorkflowStep
        {
            RunId = RunId,
            Position = position,
            Name = name,
            Kind = kind,
            Status = StepStatus.Completed,
            OutputJson = State.Payloads.Serialize(value, Where(name, kind)),
            Attempts = 1,
            StartedAt = now,
            CompletedAt = now,
        });
        CountExecuted(kind, "completed");
    }

    private static int NextSeed(Random source)
    {
        // Random is not thread-safe (Random.Shared is); runs draw their seeds concurrently.
        lock (source)
        {
            return source.Next();
        }
    }

    private static bool IsEscalated(WorkflowStep item) => item.Name.EndsWith(EscalatedSuffix, StringComparison.Ordinal);

    private PayloadRedactionContext Where(string step, StepKind kind) => new(RunId, Workflow, step, kind);

    private void CountExecuted(StepKind kind, string outcome) =>
        WorkflowTelemetry.Steps.Add(1, new KeyValuePair<string, object?>("workflow", Workflow), new KeyValuePair<string, object?>("kind", kind.ToString()), new KeyValuePair<string, object?>("outcome", outcome));

    private void StepsReplayed(StepKind kind) =>
        WorkflowTelemetry.StepsReplayed.Add(1, new KeyValuePair<string, object?>("workflow", Workflow), new KeyValuePair<string, object?>("kind", kind.ToString()));

    private readonly record struct Attempt<T>(T Value, Exception? Error, int Attempts);
}
