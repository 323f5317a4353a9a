namespace Nines.Evals;

/// <summary>
/// An eval: cases × configurations × trials, with a seed and a concurrency limit. Running it answers "how often does
/// this work, under these faults, at what cost — and is one configuration better than another?"
/// </summary>
/// <remarks>Same seed, same suite, same code → the same trial outcomes: every trial gets a seed derived from the suite's
/// seed, the case and the trial number (<see cref="EvalTrialContext.Seed"/>), never from the clock or
/// the order trials happen to finish in.</remarks>
public sealed class EvalSuite
{
    /// <summary>The suite's name, used by <c>nines eval &lt;name&gt;</c> and in reports.</summary>
    public required string Name { get; init; }

    /// <summary>One paragraph saying what the suite measures.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The cases.</summary>
    public required IReadOnlyList<EvalCase> Cases { get; init; }

    /// <summary>The configurations compared; at least one.</summary>
    public required IReadOnlyList<EvalConfiguration> Configurations { get; init; }

    /// <summary>The scorer for cases that have none of their own.</summary>
    public EvalScorer? Scorer { get; init; }

    /// <summary>Trials per case per configuration.</summary>
    /// <value>The default value is 20.</value>
    public int Trials { get; init; } = 20;

    /// <summary>The seed every trial's seed derives from.</summary>
    /// <value>The default value is 1.</value>
    public long Seed { get; init; } = 1;

    /// <summary>How many trials run at once.</summary>
    /// <value>The default value is 8.</value>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>The clock trials run on: the runner hands it to every <see cref="EvalTrialContext"/>, so latency is measured on it
    /// and simulated models, chaos and retries wait on it; <see langword="null"/> for <see cref="TimeProvider.System"/>.</summary>
    /// <value>The default value is <see langword="null"/>. Suites on <c>sim:</c> models set a <see cref="Simulation.ScaledTimeProvider"/>
    /// so realistic latencies, <c>Retry-After</c> waits and timeouts pass in milliseconds and reports show simulated time.</value>
    public TimeProvider? Time { get; init; }

    /// <summary>Prices per model, to turn recorded tokens into cost; models not listed cost nothing.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();

    /// <summary>The configuration named <paramref name="name"/>; throws a message listing the names when there is none.</summary>
    /// <param name="name">The configuration's name (ordinal, case-insensitive).</param>
    public EvalConfiguration Configuration(string name) =>
        Configurations.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Suite '{Name}' has no configuration '{name}'; it has {string.Join(", ", Configurations.Select(c => c.Name))}.", nameof(name));

    /// <summary>Checks the suite once and reports every problem in one exception.</summary>
    /// <exception cref="ArgumentException">The suite is not runnable; the message lists each problem and its fix.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("Name is empty: give the suite a name.");
        }

        if (Cases is null || Cases.Count == 0)
        {
            problems.Add("Cases is empty: add at least one EvalCase.");
        }
        else
        {
            foreach (var duplicate in Cases.GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                problems.Add($"Case id '{duplicate.Key}' appears {duplicate.Count()} times: case ids must be unique.");
            }

            if (Scorer is null && Cases.Any(c => c.Scorer is null))
            {
                problems.Add("Some cases have no scorer and the suite has no Scorer: set EvalSuite.Scorer or give each case one.");
            }
        }

        if (Configurations is null || Configurations.Count == 0)
        {
            problems.Add("Configurations is empty: add at least one EvalConfiguration.");
        }
        else
        {
            foreach (var duplicate in Configurations.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                problems.Add($"Configuration name '{duplicate.Key}' appears {duplicate.Count()} times: names must be unique.");
            }
        }

        if (Trials < 1)
        {
            problems.Add($"Trials is {Trials}: it must be at least 1.");
        }

        if (MaxConcurrency < 1)
        {
            problems.Add($"MaxConcurrency is {MaxConcurrency}: it must be at least 1.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Eval suite '{Name}' is not valid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        }
    }
}
