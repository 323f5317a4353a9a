using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Nines.CommandLine.Storage;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.CommandLine.Bench;

/// <summary>
/// Measures the durable engine on one store: per-step latency with one run in flight, completed steps per second
/// at several in-flight counts, and the storage floor (one durable write) measured in the same process.
/// </summary>
/// <remarks>
/// Real time throughout (this is a measurement, not a test). Runs are started before each timed phase, so the wall
/// time covers claiming, executing, journaling and completing them, not creating them.
/// </remarks>
internal sealed class DurableBench
{
    private readonly IWorkflowStore _store;
    private readonly StoreKind _kind;
    private readonly IBenchFloor _floor;
    private readonly DurableBenchOptions _options;
    private readonly TextWriter _progress;

    public DurableBench(IWorkflowStore store, StoreKind kind, IBenchFloor floor, DurableBenchOptions options, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(floor);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        options.Validate();
        _store = store;
        _kind = kind;
        _floor = floor;
        _options = options;
        _progress = progress;
    }

    /// <summary>The per-step p50 may be at most this many floors (one fsync, one INSERT + COMMIT).</summary>
    public const double StepToFloorTarget = 2.0;

    /// <summary>Runs executed before anything is measured.</summary>
    public const int WarmupRuns = 150;

    /// <summary>PostgreSQL's throughput target at 64 runs in flight.</summary>
    public const double PostgreSqlStepsPerSecondTarget = 3_000;

    public async Task<DurableBenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var counting = new CompletionCountingStore(_store);
        await counting.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var timings = new StepTimings();
        var registry = new WorkflowRegistry().Add(() => new BenchStepsWorkflow(timings));
        var client = new WorkflowClient(counting, registry, EngineOptions("bench-client", 1));
        var input = new BenchStepsInput(_options.Steps, _options.PayloadBytes);

        // Warm-up (not counted): JIT, prepared statements, pooled connections, and enough commits (about 1,500 with the
        // defaults) to take a new SQLite file past its first WAL checkpoint. Until then every commit extends the WAL
        // file and its fsync also flushes the new block's metadata (about 1.5x dearer, measured); afterwards, as in any
        // store that has been running a while, commits overwrite the WAL from its start.
        var warmupRuns = Math.Clamp(_options.Runs, 2, WarmupRuns);
        await _progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warm-up: {warmupRuns} runs…")).ConfigureAwait(false);
        await StartRunsAsync(client, input, warmupRuns, cancellationToken).ConfigureAwait(false);
        await new WorkflowWorker(counting, registry, EngineOptions("bench-warmup", 8)).RunUntilIdleAsync(cancellationToken).ConfigureAwait(false);
        await _floor.MeasureAsync(5, cancellationToken).ConfigureAwait(false);

        // The floor is sampled in slices between the latency runs, not in one block before them: on shared or virtual
        // disks the cost of an fsync drifts by several times within a minute, and a ratio of two figures measured at
        // different moments would mostly measure the drift.
        var latencyRuns = Math.Min(_options.LatencyRuns, _options.Runs);
        var floorSlice = (_options.FloorSamples + latencyRuns - 1) / latencyRuns;
        await _progress.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"latency: {latencyRuns} run(s) × {_options.Steps} steps, one in flight, each after {floorSlice} samples of {_floor.Description}…")).ConfigureAwait(false);
        var floorSamples = new List<TimeSpan>();
        var latencyWorker = new WorkflowWorker(counting, registry, EngineOptions("bench-latency", 1));
        for (var i = 0; i < latencyRuns; i++)
        {
            floorSamples.AddRange(await _floor.MeasureAsync(floorSlice, cancellationToken).ConfigureAwait(false));
            await StartRunsAsync(client, input, 1, cancellationToken).ConfigureAwait(false);
            timings.Enabled = true;
            await latencyWorker.RunUntilIdleAsync(cancellationToken).ConfigureAwait(false);
            timings.Enabled = false;
        }

        var floor = LatencyFigures.Of(floorSamples);
        var latency = LatencyFigures.Of([.. timings.Snapshot()]);

        var throughput = new List<ThroughputFigures>();
        foreach (var inFlight in _options.InFlightLevels)
        {
            var runs = Math.Max(_options.Runs, inFlight);
            await _progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"throughput: {runs} runs × {_options.Steps} steps, {inFlight} in flight…")).ConfigureAwait(false);
            throughput.Add(await MeasureThroughputAsync(counting, registry, client, input, inFlight, runs, cancellationToken).ConfigureAwait(false));
        }

        return new DurableBenchReport
        {
            Store = _store.Description,
            StepsPerRun = _options.Steps,
            PayloadBytes = _options.PayloadBytes,
            Machine = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}"),
            StepLatency = latency,
            Throughput = throughput,
            FloorDescription = _floor.Description,
            Floor = floor,
            Targets = Targets(latency, floor, throughput),
        };
    }

    private async Task<ThroughputFigures> MeasureThroughputAsync(
        CompletionCountingStore counting,
        WorkflowRegistry registry,
        WorkflowClient client,
        BenchStepsInput input,
        int inFlight,
        int runs,
        CancellationToken cancellationToken)
    {
        await StartRunsAsync(client, input, runs, cancellationToken).ConfigureAwait(false);
        counting.Reset(runs);
        var worker = new WorkflowWorker(counting, registry, EngineOptions("bench-" + inFlight.ToString(CultureInfo.InvariantCulture), inFlight));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var working = worker.RunAsync(stop.Token);
        var first = await Task.WhenAny(counting.AllCompleted, working).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync().ConfigureAwait(false);
        await working.ConfigureAwait(false);
        if (first == working)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"The bench worker stopped before its {runs} runs completed.");
        }

        return new ThroughputFigures(inFlight, runs, runs * input.Steps, elapsed.TotalSeconds);
    }

    private List<BenchTarget> Targets(LatencyFigures latency, LatencyFigures floor, IReadOnlyList<ThroughputFigures> throughput)
    {
        var floorName = _kind == StoreKind.Sqlite ? "one fsync" : "one INSERT+COMMIT";
        var limit = StepToFloorTarget * floor.P50Ms;
        var targets = new List<BenchTarget>
        {
            new($"per-step p50 ≤ {StepToFloorTarget:0.#}× {floorName} (ms)", latency.P50Ms, limit, latency.P50Ms / limit, latency.P50Ms <= limit),
        };
        if (_kind == StoreKind.PostgreSql && throughput.FirstOrDefault(t => t.InFlight == 64) is { } at64)
        {
            targets.Add(new(
                string.Create(CultureInfo.InvariantCulture, $"steps/s at 64 in flight ≥ {PostgreSqlStepsPerSecondTarget:N0}"),
                at64.StepsPerSecond,
                PostgreSqlStepsPerSecondTarget,
                PostgreSqlStepsPerSecondTarget / at64.StepsPerSecond,
                at64.StepsPerSecond >= PostgreSqlStepsPerSecondTarget));
        }

        return targets;
    }

    private static async Task StartRunsAsync(WorkflowClient client, BenchStepsInput input, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await client.StartAsync<BenchStepsWorkflow, BenchStepsInput, int>(input, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static WorkflowEngineOptions EngineOptions(string workerId, int maxConcurrentRuns) => new()
    {
        WorkerId = workerId,
        MaxConcurrentRuns = maxConcurrentRuns,
        TimeProvider = TimeProvider.System,
    };
}
