using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nines.Workflows.Storage;

namespace Nines.Workflows;

/// <summary>
/// Claims runnable runs from a store and executes them, up to <see cref="WorkflowEngineOptions.MaxConcurrentRuns"/>
/// at once, renewing their leases while they run. Any number of workers, in any number of processes, can share a
/// store: claims, leases and fencing keep each run with one worker at a time.
/// </summary>
/// <remarks>
/// <see cref="RunAsync"/> is the long-running loop (used by the hosted service); <see cref="RunUntilIdleAsync"/>
/// executes what is runnable now and returns, for console programs and tests.
/// </remarks>
public sealed class WorkflowWorker
{
    private readonly IWorkflowStore _store;
    private readonly WorkflowRegistry _registry;
    private readonly WorkflowEngineOptions _options;
    private readonly IServiceProvider? _services;
    private readonly ILogger _logger;
    private readonly WorkflowExecutor _executor;
    private bool _initialized;
    private DateTimeOffset _nextRegistration;

    /// <summary>Creates a worker.</summary>
    public WorkflowWorker(IWorkflowStore store, WorkflowRegistry registry, WorkflowEngineOptions? options = null, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registry);
        _store = store;
        _registry = registry;
        _options = options ?? new WorkflowEngineOptions();
        _options.Validate();
        _services = services;
        _executor = new WorkflowExecutor(store, registry, _options, services);
        _logger = services?.GetService(typeof(ILogger<WorkflowWorker>)) as ILogger ?? NullLogger.Instance;
    }

    /// <summary>The worker's id, the owner of its leases.</summary>
    public string WorkerId => _options.WorkerId;

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled. Then it stops claiming, lets in-flight steps finish
    /// for <see cref="WorkflowEngineOptions.ShutdownGracePeriod"/>, and releases every run it still holds so another
    /// worker continues it at once.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await InitializeAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while the store was still opening: nothing was claimed, so there is nothing to hand back.
            return;
        }

        var time = _options.TimeProvider;
        var inFlight = new Dictionary<string, Task>();
        using var hardStop = new CancellationTokenSource();
        var consecutiveFailures = 0;
        _nextRegistration = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PollOnceAsync(inFlight, hardStop.Token, stoppingToken).ConfigureAwait(false);
                    consecutiveFailures = 0;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is not OutOfMemoryException)
                {
                    // The store is unreachable for a moment (a failover, a restart, a full disk): keep the runs in
                    // flight, back off and try again instead of ending the worker. Leases cover the gap.
                    consecutiveFailures++;
                    WorkflowTelemetry.WorkerErrors.Add(1, new KeyValuePair<string, object?>("error", ex.GetType().Name));
                    var backoff = TimeSpan.FromTicks(Math.Min(_options.PollInterval.Ticks * Math.Min(consecutiveFailures, 30), TimeSpan.FromSeconds(30).Ticks));
                    _logger.LogWarning(ex, "Workflow worker {WorkerId} could not reach {Store} ({Failures} time(s) in a row); retrying in {Backoff}.", _options.WorkerId, _store.Description, consecutiveFailures, backoff);
                    await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            var all = Task.WhenAll(inFlight.Values);
            if (await Task.WhenAny(all, Task.Delay(_options.ShutdownGracePeriod, time, CancellationToken.None)).ConfigureAwait(false) != all)
            {
                await hardStop.CancelAsync().ConfigureAwait(false);
            }

            try
            {
                await all.ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Each run's outcome is already recorded or released; nothing to add on the way out.
            }
        }
    }

    /// <summary>One turn of the loop: publish registrations when due, claim into free slots, then wait for work.</summary>
    private async Task PollOnceAsync(Dictionary<string, Task> inFlight, CancellationToken hardStop, CancellationToken stoppingToken)
    {
        var now = _options.TimeProvider.GetUtcNow();
        if (now >= _nextRegistration)
        {
            await PublishRegistrationAsync(now, stoppingToken).ConfigureAwait(false);
            _nextRegistration = now + _options.RegistrationInterval;
        }

        foreach (var done in inFlight.Where(p => p.Value.IsCompleted).Select(p => p.Key).ToList())
        {
            inFlight.Remove(done);
        }

        var free = _options.MaxConcurrentRuns - inFlight.Count;
        var claimed = 0;
        if (free > 0)
        {
            var claims = await ClaimAsync(free, stoppingToken).ConfigureAwait(false);
            claimed = claims.Count;
            foreach (var claim in claims)
            {
                inFlight[claim.Run.RunId] = Task.Run(() => _executor.ExecuteAsync(claim, stoppingToken, hardStop), CancellationToken.None);
            }
        }

        if (claimed > 0 && claimed == free)
        {
            return;
        }

        // With every slot busy, only a finishing run can make room: do not spin on timers that are already due.
        await WaitForWorkAsync(inFlight.Values, considerTimers: inFlight.Count < _options.MaxConcurrentRuns, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Executes every run that is runnable now (including runs that become runnable while it works, such as
    /// children and woken parents) and returns how many executions it performed, once none is left.
    /// </summary>
    public async Task<int> RunUntilIdleAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await PublishRegistrationAsync(_options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var executions = 0;
        while (true)
        {
            var claims = await ClaimAsync(_options.MaxConcurrentRuns, cancellationToken).ConfigureAwait(false);
            if (claims.Count == 0)
            {
                return executions;
            }

            executions += claims.Count;
            await Task.WhenAll(claims.Select(claim => _executor.ExecuteAsync(claim, cancellationToken, cancellationToken))).ConfigureAwait(false);
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
    }

    private Task<IReadOnlyList<WorkflowClaim>> ClaimAsync(int max, CancellationToken cancellationToken) =>
        _store.ClaimRunsAsync(new WorkflowClaimRequest
        {
            WorkerId = _options.WorkerId,
            MaxRuns = max,
            LeaseDuration = _options.LeaseDuration,
            Now = _options.TimeProvider.GetUtcNow(),
            Registrations = _registry.Keys,
        }, cancellationToken);

    private async Task PublishRegistrationAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _store.RegisterWorkerAsync(new WorkerRegistration(_options.WorkerId, _registry.Keys, now), cancellationToken).ConfigureAwait(false);

        // A worker counts as live for three registration intervals, so one missed heartbeat does not block runs.
        await _store.UpdateBlockedRunsAsync(now, now - (3 * _options.RegistrationInterval), cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitForWorkAsync(IEnumerable<Task> inFlight, bool considerTimers, CancellationToken stoppingToken)
    {
        var time = _options.TimeProvider;
        var wait = _options.PollInterval;
        var nextWake = considerTimers ? await _store.GetNextWakeAsync(_registry.Keys, stoppingToken).ConfigureAwait(false) : null;
        if (nextWake is { } wake)
        {
            var untilWake = wake - time.GetUtcNow();
            if (untilWake <= TimeSpan.Zero)
            {
                return;
            }

            wait = untilWake < wait ? untilWake : wait;
        }

        using var waitStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var storeWake = _store.WaitForWorkAsync(wait, waitStop.Token);
        var executorDone = Task.WhenAny(inFlight.DefaultIfEmpty(Task.Delay(Timeout.Infinite, waitStop.Token)));
        await Task.WhenAny(storeWake, executorDone).ConfigureAwait(false);
        await waitStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await storeWake.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (waitStop.IsCancellationRequested)
        {
        }

        stoppingToken.ThrowIfCancellationRequested();
    }
}
