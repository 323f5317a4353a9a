using System.Threading.Channels;

namespace Nines.Evals;

/// <summary>
/// Runs a plan's unfinished trials with bounded concurrency and keeps every finished row, in or out of a journal. Rows read
/// back from a journal are <see cref="Accept"/>ed first and not run again.
/// </summary>
internal sealed class EvalTrialPool
{
    private const int MaxErrorLength = 500;

    private readonly EvalRunPlan _plan;
    private readonly IProgress<EvalProgress>? _progress;
    private readonly TimeProvider _clock;
    private readonly EvalTrialResult?[] _rows;
    private readonly int[] _done;
    private readonly int[] _passed;
    private readonly Lock _lock = new();
    private readonly int _perConfiguration;
    private long _started;
    private int _doneTotal;
    private int _ranNow;
    private int _resumed;
    private EvalScorerException? _scorerError;

    public EvalTrialPool(EvalRunPlan plan, IProgress<EvalProgress>? progress, TimeProvider clock, bool journaled)
    {
        _plan = plan;
        _progress = progress;
        _clock = clock;
        _rows = new EvalTrialResult?[plan.Total];
        _done = new int[plan.Configurations.Count];
        _passed = new int[plan.Configurations.Count];
        _perConfiguration = plan.Cases.Count * plan.Trials;
        _started = clock.GetTimestamp();
        Finished = journaled ? Channel.CreateUnbounded<EvalTrialResult>(new UnboundedChannelOptions { SingleReader = true }) : null;
    }

    /// <summary>Rows as trials finish, for the journal to write; null without a journal. Completed when <see cref="RunAsync"/> ends.</summary>
    public Channel<EvalTrialResult>? Finished { get; }

    public int Done => Volatile.Read(ref _doneTotal);

    public int Resumed => Volatile.Read(ref _resumed);

    /// <summary>Records a row read back from the journal; false when the row is not a trial of this plan or is already there.</summary>
    public bool Accept(EvalTrialResult row)
    {
        var index = _plan.IndexOf(row);
        if (index < 0 || !Record(index, row))
        {
            return false;
        }

        Interlocked.Increment(ref _resumed);
        return true;
    }

    /// <summary>The finished rows, sorted by configuration, case and trial.</summary>
    public IReadOnlyList<EvalTrialResult> Rows() => [.. _rows.Where(r => r is not null).Select(r => r!)];

    /// <summary>Runs every trial that has no row yet. Throws <see cref="OperationCanceledException"/> when stopped (in-flight
    /// trials are dropped) and <see cref="EvalScorerException"/> when a scorer threw.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pending = _plan.ExecutionOrder().Where(i => Volatile.Read(ref _rows[i]) is null).ToList();
            _started = _clock.GetTimestamp();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                await Parallel.ForEachAsync(
                    pending,
                    new ParallelOptions { MaxDegreeOfParallelism = _plan.MaxConcurrency, CancellationToken = stop.Token },
                    async (index, token) =>
                    {
                        var row = await RunTrialAsync(index, token).ConfigureAwait(false);
                        if (row is null)
                        {
                            // The scorer threw: stop starting trials; the ones in flight are dropped.
                            await stop.CancelAsync().ConfigureAwait(false);
                            return;
                        }

                        Interlocked.Increment(ref _ranNow);
                        Record(index, row);
                        Finished?.Writer.TryWrite(row);
                    }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_scorerError is not null)
            {
            }

            if (_scorerError is not null)
            {
                throw _scorerError;
            }
        }
        finally
        {
            Finished?.Writer.TryComplete();
        }
    }

    private async Task<EvalTrialResult?> RunTrialAsync(int index, CancellationToken cancellationToken)
    {
        var (configuration, evalCase, trial) = _plan.At(index);
        var suite = _plan.Suite;
        var context = new EvalTrialContext(
            suite.Name,
            configuration,
            evalCase,
            trial,
            EvalTrialContext.DeriveSeed(_plan.Seed, evalCase.Id, trial),
            _plan.Time,
            suite.Prices);
        var started = _plan.Time.GetTimestamp();
        object? output = null;
        Exception? error = null;
        try
        {
            output = await configuration.Target(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The eval is stopping: a trial cut short is neither passed nor failed.
            throw;
        }
        catch (Exception ex)
        {
            error = ex;
        }

        var latency = _plan.Time.GetElapsedTime(started).TotalMilliseconds;
        var row = new EvalTrialResult(configuration.Name, evalCase.Id, trial, Passed: false)
        {
            LatencyMs = latency,
            InputTokens = context.InputTokens,
            OutputTokens = context.OutputTokens,
            CostUsd = context.CostUsd,
        };
        if (error is not null)
        {
            return row with { FailureCategory = EvalFailureCategories.FromException(error), Error = Shorten(error.Message) };
        }

        EvalScore score;
        try
        {
            score = (evalCase.Scorer ?? suite.Scorer)!(evalCase, output, context);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _scorerError, new EvalScorerException(suite.Name, configuration.Name, evalCase.Id, trial, ex), null);
            return null;
        }

        return row with
        {
            Passed = score.Passed,
            Score = score.Score,
            FailureCategory = score.Passed ? null : score.FailureCategory ?? "Failed",
            Error = score.Passed ? null : Shorten(score.Detail),
            Metrics = score.Metrics,
        };
    }

    private bool Record(int index, EvalTrialResult row)
    {
        EvalProgress snapshot;
        lock (_lock)
        {
            if (_rows[index] is not null)
            {
                return false;
            }

            _rows[index] = row;
            var configuration = index / _perConfiguration;
            _done[configuration]++;
            if (row.Passed)
            {
                _passed[configuration]++;
            }

            _doneTotal++;
            if (_progress is null)
            {
                return true;
            }

            snapshot = Snapshot();
        }

        _progress.Report(snapshot);
        return true;
    }

    private EvalProgress Snapshot()
    {
        var elapsed = _clock.GetElapsedTime(_started);
        var ran = Volatile.Read(ref _ranNow);
        TimeSpan? remaining = ran == 0 || elapsed <= TimeSpan.Zero
            ? null
            : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(_plan.Total - _doneTotal) / ran)));
        return new EvalProgress(
            _doneTotal,
            _plan.Total,
            [.. _plan.Configurations.Select((c, i) => new EvalConfigurationProgress(c.Name, _done[i], _perConfiguration, _passed[i]))],
            elapsed,
            remaining);
    }

    private static string? Shorten(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxErrorLength ? line : line[..(MaxErrorLength - 1)] + "…";
    }
}
