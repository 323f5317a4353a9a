using Nines.Chaos;

namespace Nines.Evals;

/// <summary>One trial as its target sees it: which case, which configuration, which trial, its seed, and where to record usage.</summary>
/// <remarks>One instance per trial, used by that trial only; <see cref="RecordUsage"/> is thread-safe so a target that
/// fans out (voting, hedging) may record from several calls at once.</remarks>
public sealed class EvalTrialContext
{
    private readonly IReadOnlyDictionary<string, ModelPrice> _prices;
    private long _inputTokens;
    private long _outputTokens;
    private long _costTicks;
    private int _unpricedCalls;

    /// <summary>Creates a trial context. The runner does this; tests of targets and scorers may too.</summary>
    /// <param name="suiteName">The suite's name.</param>
    /// <param name="configuration">The configuration being run.</param>
    /// <param name="evalCase">The case being run.</param>
    /// <param name="trial">The trial number, from 0.</param>
    /// <param name="seed">The trial's seed (see <see cref="DeriveSeed"/>).</param>
    /// <param name="time">The clock latency is measured on; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="prices">Prices per model for <see cref="RecordUsage"/>; <see langword="null"/> for none.</param>
    public EvalTrialContext(
        string suiteName,
        EvalConfiguration configuration,
        EvalCase evalCase,
        int trial,
        long seed,
        TimeProvider? time = null,
        IReadOnlyDictionary<string, ModelPrice>? prices = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(suiteName);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(evalCase);
        ArgumentOutOfRangeException.ThrowIfNegative(trial);
        SuiteName = suiteName;
        Configuration = configuration;
        Case = evalCase;
        Trial = trial;
        Seed = seed;
        Random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        Time = time ?? TimeProvider.System;
        _prices = prices ?? new Dictionary<string, ModelPrice>();
    }

    /// <summary>The suite's name.</summary>
    public string SuiteName { get; }

    /// <summary>The configuration being run.</summary>
    public EvalConfiguration Configuration { get; }

    /// <summary>The case being run.</summary>
    public EvalCase Case { get; }

    /// <summary>The trial number within this case and configuration, from 0.</summary>
    public int Trial { get; }

    /// <summary>The trial's seed: a pure function of the suite's seed, the case and the trial number, the same under every configuration.</summary>
    public long Seed { get; }

    /// <summary>A random source seeded with <see cref="Seed"/>, for targets that need randomness (not thread-safe).</summary>
    public Random Random { get; }

    /// <summary>The clock the trial's latency is measured on (a scaled clock for simulated models).</summary>
    public TimeProvider Time { get; }

    /// <summary>The configuration's chaos profile, or <see langword="null"/>; seed the chaos layer with <see cref="Seed"/>.</summary>
    public ChaosProfile? Chaos => Configuration.Chaos;

    /// <summary>Input tokens recorded so far.</summary>
    public long InputTokens => Interlocked.Read(ref _inputTokens);

    /// <summary>Output tokens recorded so far.</summary>
    public long OutputTokens => Interlocked.Read(ref _outputTokens);

    /// <summary>The cost recorded so far in US dollars, or <see langword="null"/> when usage was recorded only for models without a price.</summary>
    public double? CostUsd =>
        Volatile.Read(ref _unpricedCalls) > 0 && Interlocked.Read(ref _costTicks) == 0 ? null : Interlocked.Read(ref _costTicks) / CostTicksPerDollar;

    // Cost is summed as integer nano-dollars so concurrent recording needs no lock and no floating-point drift.
    private const double CostTicksPerDollar = 1e9;

    /// <summary>Records tokens used by one model call of this trial; the cost follows from the suite's price for <paramref name="model"/>.</summary>
    /// <param name="model">The model's name or spec, as keyed in <see cref="EvalSuite.Prices"/>.</param>
    /// <param name="inputTokens">Input tokens.</param>
    /// <param name="outputTokens">Output tokens.</param>
    public void RecordUsage(string model, long inputTokens, long outputTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        Interlocked.Add(ref _inputTokens, inputTokens);
        Interlocked.Add(ref _outputTokens, outputTokens);
        if (_prices.TryGetValue(model, out var price))
        {
            Interlocked.Add(ref _costTicks, (long)(price.Cost(inputTokens, outputTokens) * (decimal)CostTicksPerDollar));
        }
        else
        {
            Interlocked.Increment(ref _unpricedCalls);
        }
    }

    /// <summary>The seed of trial <paramref name="trial"/> of case <paramref name="caseId"/>: stable across runs, machines and
    /// .NET versions (FNV-1a over the id, mixed with SplitMix64).</summary>
    /// <param name="suiteSeed">The suite's seed.</param>
    /// <param name="caseId">The case's id.</param>
    /// <param name="trial">The trial number.</param>
    /// <remarks>The configuration is deliberately not part of the seed: trial <c>t</c> of a case meets the same simulated
    /// model and the same injected faults under every configuration (common random numbers), so a difference between
    /// configurations comes from the configurations, not from luck of the draw.</remarks>
    public static long DeriveSeed(long suiteSeed, string caseId, int trial)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        var hash = 14695981039346656037UL;
        foreach (var c in caseId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var x = hash ^ (ulong)suiteSeed ^ ((ulong)(uint)trial << 32);
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return unchecked((long)(x ^ (x >> 31)));
    }
}
