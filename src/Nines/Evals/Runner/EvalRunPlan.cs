using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nines.Evals;

/// <summary>One eval as it will run: the suite with the options applied (configurations chosen, trials, seed, concurrency,
/// clock), and the numbering of its trials that results, progress and the journal share.</summary>
internal sealed class EvalRunPlan
{
    private readonly Dictionary<string, int> _configurationIndex;
    private readonly Dictionary<string, int> _caseIndex;

    private EvalRunPlan(EvalSuite suite, IReadOnlyList<EvalConfiguration> configurations, int trials, long seed, int maxConcurrency, TimeProvider time, IReadOnlyDictionary<string, string> parameters)
    {
        Suite = suite;
        Configurations = configurations;
        Cases = suite.Cases;
        Trials = trials;
        Seed = seed;
        MaxConcurrency = maxConcurrency;
        Time = time;
        Parameters = parameters;
        _configurationIndex = configurations.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _caseIndex = Cases.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        Fingerprint = ComputeFingerprint();
    }

    public EvalSuite Suite { get; }

    public IReadOnlyList<EvalConfiguration> Configurations { get; }

    public IReadOnlyList<EvalCase> Cases { get; }

    public int Trials { get; }

    public long Seed { get; }

    public int MaxConcurrency { get; }

    public TimeProvider Time { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>A hash of everything that decides which trials the eval has: suite, seed, trials, configurations, cases, parameters.</summary>
    public string Fingerprint { get; }

    public int Total => Configurations.Count * Cases.Count * Trials;

    public static EvalRunPlan Create(EvalSuite suite, EvalRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(options);
        suite.Validate();
        options.Validate();
        var configurations = suite.Configurations;
        if (options.Configurations is { Count: > 0 } names)
        {
            var chosen = names.Select(suite.Configuration).ToHashSet();
            configurations = [.. suite.Configurations.Where(chosen.Contains)];
        }

        var parameters = new SortedDictionary<string, string>(
            (options.Parameters ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);
        return new EvalRunPlan(
            suite,
            configurations,
            options.Trials ?? suite.Trials,
            options.Seed ?? suite.Seed,
            options.MaxConcurrency ?? suite.MaxConcurrency,
            options.Time ?? suite.Time ?? TimeProvider.System,
            parameters);
    }

    /// <summary>The position of a trial in the sorted results: configuration, then case, then trial.</summary>
    public int IndexOf(int configuration, int evalCase, int trial) => ((configuration * Cases.Count) + evalCase) * Trials + trial;

    /// <summary>The position of a journaled row, or -1 when the row is not a trial of this plan.</summary>
    public int IndexOf(EvalTrialResult row) =>
        _configurationIndex.TryGetValue(row.Configuration, out var configuration)
        && _caseIndex.TryGetValue(row.CaseId, out var evalCase)
        && row.Trial >= 0 && row.Trial < Trials
            ? IndexOf(configuration, evalCase, row.Trial)
            : -1;

    public (EvalConfiguration Configuration, EvalCase Case, int Trial) At(int index)
    {
        var trial = index % Trials;
        var rest = index / Trials;
        return (Configurations[rest / Cases.Count], Cases[rest % Cases.Count], trial);
    }

    /// <summary>The order trials start in: trial 0 of every case under every configuration first, then trial 1, and so on,
    /// so an interrupted eval has evenly many trials of each case and configuration.</summary>
    public IEnumerable<int> ExecutionOrder()
    {
        for (var trial = 0; trial < Trials; trial++)
        {
            for (var evalCase = 0; evalCase < Cases.Count; evalCase++)
            {
                for (var configuration = 0; configuration < Configurations.Count; configuration++)
                {
                    yield return IndexOf(configuration, evalCase, trial);
                }
            }
        }
    }

    /// <summary>The default journal run id: the suite's name and the fingerprint, so the same eval finds its own run again.</summary>
    public string DefaultRunId()
    {
        var slug = new string([.. Suite.Name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
        return $"eval-{slug}-{Fingerprint[..12]}";
    }

    public EvalJournalInput ToJournalInput() => new(
        Suite.Name,
        Seed,
        Trials,
        [.. Configurations.Select(c => c.Name)],
        Cases.Count,
        Parameters,
        Fingerprint);

    private string ComputeFingerprint()
    {
        var canonical = JsonSerializer.Serialize(new
        {
            suite = Suite.Name,
            seed = Seed,
            trials = Trials,
            configurations = Configurations.Select(c => c.Name),
            cases = Cases.Select(c => c.Id),
            parameters = Parameters,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
