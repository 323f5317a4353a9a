using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Nines.Workflows.Storage;

namespace Nines.Workflows;

/// <summary>Executes one claimed run until it completes, fails, suspends, is released or loses its lease.</summary>
/// <remarks>One per worker: what it needs besides the claim (store, registry, options, services) is fixed for the worker's life.</remarks>
internal sealed class WorkflowExecutor(IWorkflowStore store, WorkflowRegistry registry, WorkflowEngineOptions options, IServiceProvider? services)
{
    public async Task<WorkflowRunStatus?> ExecuteAsync(WorkflowClaim claim, CancellationToken shutdown, CancellationToken hardStop)
    {
        var run = claim.Run;
        var lease = claim.Lease;
        using var activity = WorkflowTelemetry.Source.StartActivity($"workflow.run {run.Workflow}", ActivityKind.Internal);
        activity?.SetTag("nines.workflow.run_id", run.RunId);
        activity?.SetTag("nines.workflow.name", run.Workflow);
        activity?.SetTag("nines.workflow.version", run.Version);
        activity?.SetTag("nines.workflow.worker", lease.Owner);
        activity?.SetTag("nines.workflow.epoch", lease.Epoch);
        activity?.SetTag("nines.workflow.takeover", claim.TakenOver);
        var workflowTag = new KeyValuePair<string, object?>("workflow", run.Workflow);
        if (claim.TakenOver)
        {
            WorkflowTelemetry.LeaseTakeovers.Add(1, workflowTag);
        }

        WorkflowRunStatus? outcome;
        try
        {
            outcome = await ExecuteCoreAsync(claim, shutdown, hardStop).ConfigureAwait(false);
        }
        catch (WorkflowLeaseLostException)
        {
            outcome = null;
        }

        activity?.SetTag("nines.workflow.outcome", outcome?.ToString().ToLowerInvariant() ?? "lease-lost");
        switch (outcome)
        {
            case WorkflowRunStatus.Completed:
                WorkflowTelemetry.RunsCompleted.Add(1, workflowTag);
                break;
            case WorkflowRunStatus.Failed:
                WorkflowTelemetry.RunsFailed.Add(1, workflowTag);
                activity?.SetStatus(ActivityStatusCode.Error);
                break;
            case WorkflowRunStatus.Cancelled:
                WorkflowTelemetry.RunsCancelled.Add(1, workflowTag);
                break;
            case WorkflowRunStatus.Suspended:
                WorkflowTelemetry.RunsSuspended.Add(1, workflowTag);
                break;
            case null:
                WorkflowTelemetry.LeasesLost.Add(1, workflowTag);
                break;
        }

        return outcome;
    }

    private async Task<WorkflowRunStatus?> ExecuteCoreAsync(WorkflowClaim claim, CancellationToken shutdown, CancellationToken hardStop)
    {
        var run = claim.Run;
        var lease = claim.Lease;
        var time = options.TimeProvider;
        if (run.CancelRequested)
        {
            await CompleteAsync(store, lease, WorkflowRunStatus.Cancelled, null, "cancelled before it ran to the end", time).ConfigureAwait(false);
            return WorkflowRunStatus.Cancelled;
        }

        var registration = registry.Find(run.Workflow, run.Version);
        if (registration is null)
        {
            // Claims ask only for registered versions; this is a store that ignored the filter.
            await store.ReleaseLeaseAsync(lease, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            return WorkflowRunStatus.Pending;
        }

        // Epoch 1 is a run's first claim: nothing can have been journaled without a lease, so skip the read.
        var journal = lease.Epoch == 1 && !claim.TakenOver
            ? []
            : await store.GetStepsAsync(run.RunId, CancellationToken.None).ConfigureAwait(false);

        // One DI scope per execution, so a workflow's scoped dependencies live exactly as long as it runs.
        var scope = (services?.GetService(typeof(IServiceScopeFactory)) as IServiceScopeFactory)?.CreateAsyncScope();
        try
        {
            return await ExecuteInScopeAsync(claim, registration, journal, scope?.ServiceProvider ?? services, shutdown, hardStop).ConfigureAwait(false);
        }
        finally
        {
            if (scope is { } created)
            {
                await created.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<WorkflowRunStatus?> ExecuteInScopeAsync(
        WorkflowClaim claim,
        WorkflowRegistration registration,
        IReadOnlyList<WorkflowStep> journal,
        IServiceProvider? scopedServices,
        CancellationToken shutdown,
        CancellationToken hardStop)
    {
        var run = claim.Run;
        var lease = claim.Lease;
        var time = options.TimeProvider;
        using var state = new RunState(store, lease, run, journal, registry, options, scopedServices) { ShutdownToken = shutdown };
        var context = new WorkflowContext(state);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(store, lease, state, options, heartbeatStop.Token);
        using var onShutdown = shutdown.Register(state.OnShutdown);
        using var onHardStop = hardStop.Register(state.OnShutdownGraceOver);

        // Run the workflow on the thread pool so a synchronous prefix in user code cannot block the worker loop.
        var workflow = Task.Run(() => registration.InvokeAsync(context, run.InputJson, scopedServices), CancellationToken.None);
        try
        {
            await Task.WhenAny(workflow, state.Suspended).ConfigureAwait(false);
            if (state.LeaseLost)
            {
                return null;
            }

            if (state.Suspended.IsCompleted)
            {
                // Let sibling calls started alongside the wait (Task.WhenAll) journal their results first.
                await Task.WhenAny(state.WhenIdleAsync(), workflow).ConfigureAwait(false);
                await state.WhenIdleAsync().WaitAsync(hardStop).ConfigureAwait(false);
                if (state.LeaseLost)
                {
                    return null;
                }

                if (state.HasBuffered)
                {
                    await state.SaveAsync().ConfigureAwait(false);
                }

                var suspension = state.TakeSuspension(time.GetUtcNow())!;
                await store.SuspendRunAsync(lease, suspension, CancellationToken.None).ConfigureAwait(false);
                return WorkflowRunStatus.Suspended;
            }

            string output;
            try
            {
                output = await workflow.ConfigureAwait(false);
                state.CheckJournalConsumed();
            }
            catch (Exception) when (state.LeaseLost)
            {
                return null;
            }
            catch (Exception ex)
            {
                return await EndWithErrorAsync(store, lease, state, ex, time).ConfigureAwait(false);
            }

            if (state.Nondeterminism is { } nondeterminism)
            {
                await CompleteAsync(store, lease, WorkflowRunStatus.Failed, null, nondeterminism.Message, time).ConfigureAwait(false);
                return WorkflowRunStatus.Failed;
            }

            if (state.HasBuffered)
            {
                await state.SaveAsync().ConfigureAwait(false);
            }

            await CompleteAsync(store, lease, WorkflowRunStatus.Completed, output, null, time).ConfigureAwait(false);
            return WorkflowRunStatus.Completed;
        }
        finally
        {
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    private static async Task<WorkflowRunStatus?> EndWithErrorAsync(IWorkflowStore store, WorkflowLease lease, RunState state, Exception error, TimeProvider time)
    {
        if (state.Nondeterminism is { } nondeterminism)
        {
            await CompleteAsync(store, lease, WorkflowRunStatus.Failed, null, nondeterminism.Message, time).ConfigureAwait(false);
            return WorkflowRunStatus.Failed;
        }

        if (state.CancelRequested)
        {
            await CompleteAsync(store, lease, WorkflowRunStatus.Cancelled, null, "cancelled on request", time).ConfigureAwait(false);
            return WorkflowRunStatus.Cancelled;
        }

        if (state.Interrupted && error is OperationCanceledException)
        {
            // Shutting down: give the run back so another worker (or this one after a restart) picks it up at once.
            if (state.HasBuffered)
            {
                await state.SaveAsync().ConfigureAwait(false);
            }

            await store.ReleaseLeaseAsync(lease, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            return WorkflowRunStatus.Pending;
        }

        var message = error is WorkflowException ? error.Message : $"{error.GetType().Name}: {error.Message}";
        await CompleteAsync(store, lease, WorkflowRunStatus.Failed, null, message, time).ConfigureAwait(false);
        return WorkflowRunStatus.Failed;
    }

    private static Task CompleteAsync(IWorkflowStore store, WorkflowLease lease, WorkflowRunStatus status, string? output, string? error, TimeProvider time) =>
        store.CompleteRunAsync(lease, new WorkflowRunCompletion { Status = status, OutputJson = output, Error = error, Now = time.GetUtcNow() }, CancellationToken.None);

    private static async Task HeartbeatAsync(IWorkflowStore store, WorkflowLease lease, RunState state, WorkflowEngineOptions options, CancellationToken stop)
    {
        var time = options.TimeProvider;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.HeartbeatInterval, time, stop).ConfigureAwait(false);
                var renewal = await store.RenewLeaseAsync(lease, time.GetUtcNow() + options.LeaseDuration, stop).ConfigureAwait(false);
                if (!renewal.Held)
                {
                    state.OnLeaseLost();
                    return;
                }

                if (renewal.CancelRequested)
                {
                    state.OnCancelRequested();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The store is briefly unreachable: keep trying until the lease would have run out anyway.
                Activity.Current?.AddEvent(new ActivityEvent("heartbeat failed", tags: new ActivityTagsCollection { ["error"] = ex.Message }));
            }
        }
    }
}
