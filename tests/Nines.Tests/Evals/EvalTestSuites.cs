using Nines.Evals;

namespace Nines.Tests.Evals;

/// <summary>Small suites for runner and command tests: pass/fail decided by each trial's seeded random, so rows are reproducible.</summary>
internal static class EvalTestSuites
{
    /// <summary>Two configurations ("weak" passes ~50%, "strong" ~90%), <paramref name="cases"/> cases; the target counts its calls.</summary>
    public static EvalSuite Coin(int cases = 4, int trials = 5, Func<EvalTrialContext, CancellationToken, ValueTask<object?>>? before = null, Counter? calls = null) => new()
    {
        Name = "coin",
        Description = "A seeded coin per trial.",
        Cases = [.. Enumerable.Range(0, cases).Select(i => new EvalCase($"case-{i}", input: i))],
        Configurations =
        [
            new EvalConfiguration("weak", Target(0.5, before, calls), "passes about half the time"),
            new EvalConfiguration("strong", Target(0.9, before, calls), "passes about nine times in ten"),
        ],
        Scorer = (_, output, _) => output is true ? EvalScore.Pass() : EvalScore.Fail("Tails", "the coin came up tails"),
        Trials = trials,
        Seed = 7,
        MaxConcurrency = 4,
    };

    private static EvalTarget Target(double p, Func<EvalTrialContext, CancellationToken, ValueTask<object?>>? before, Counter? calls) =>
        async (context, ct) =>
        {
            calls?.Increment();
            if (before is not null)
            {
                await before(context, ct);
            }

            return context.Random.NextDouble() < p;
        };

    /// <summary>A thread-safe call counter.</summary>
    internal sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public int Increment() => Interlocked.Increment(ref _value);
    }
}
