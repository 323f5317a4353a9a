using Nines.Planning;

namespace Nines.Evals;

/// <summary>The estimators and tests behind <see cref="EvalStatistics"/>, as pure functions of counts.</summary>
internal static class EvalEstimators
{
    /// <summary>
    /// The unbiased estimate of pass^k for one case with <paramref name="successes"/> of <paramref name="trials"/>:
    /// C(c, k) / C(n, k), the share of k-subsets of the trials that passed entirely (τ-bench, Yao et al. 2024).
    /// </summary>
    /// <remarks>Evaluated as the product Π (c − i)/(n − i) over i &lt; k: no factorials, no overflow, each factor in [0, 1].</remarks>
    public static double PassHatK(int trials, int successes, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (successes < k)
        {
            return 0;
        }

        var product = 1.0;
        for (var i = 0; i < k; i++)
        {
            product *= (double)(successes - i) / (trials - i);
        }

        return product;
    }

    /// <summary>
    /// The unbiased estimate of pass@k for one case with <paramref name="successes"/> of <paramref name="trials"/>:
    /// 1 − C(n − c, k) / C(n, k), the share of k-subsets with at least one pass (Chen et al. 2021, "Evaluating Large
    /// Language Models Trained on Code", the HumanEval paper).
    /// </summary>
    /// <remarks>Evaluated as 1 − Π (n − c − i)/(n − i) over i &lt; k, the paper's numerically stable form.</remarks>
    public static double PassAtK(int trials, int successes, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        var failures = trials - successes;
        if (failures < k)
        {
            return 1;
        }

        var product = 1.0;
        for (var i = 0; i < k; i++)
        {
            product *= (double)(failures - i) / (trials - i);
        }

        return 1 - product;
    }

    /// <summary>
    /// The two-sided p-value of Fisher's exact test for the 2×2 table [[s1, f1], [s2, f2]] (successes and failures of two
    /// groups): the probability, with the margins fixed, of a table at most as likely as the observed one.
    /// </summary>
    /// <remarks>
    /// The hypergeometric weights are built by their ratio recurrence in log space, relative to one another, and
    /// normalised by their sum: no factorials, no overflow for millions of trials, O(min(n1, successes)) work. Tables
    /// whose probability is within a relative 10⁻⁷ of the observed one count as "as likely", as R's fisher.test does,
    /// so that rounding cannot drop a tied table.
    /// </remarks>
    public static double FisherExactTwoSided(long successes1, long failures1, long successes2, long failures2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes1);
        ArgumentOutOfRangeException.ThrowIfNegative(failures1);
        ArgumentOutOfRangeException.ThrowIfNegative(successes2);
        ArgumentOutOfRangeException.ThrowIfNegative(failures2);

        var n1 = successes1 + failures1;
        var n2 = successes2 + failures2;
        var successes = successes1 + successes2;
        var low = Math.Max(0, successes - n2);
        var high = Math.Min(n1, successes);
        if (high == low)
        {
            return 1;
        }

        // log P(x) − log P(low) for x = low … high, from P(x+1)/P(x) = (n1 − x)(s − x) / ((x + 1)(n2 − s + x + 1)).
        var logWeights = new double[high - low + 1];
        for (var x = low; x < high; x++)
        {
            logWeights[x - low + 1] = logWeights[x - low]
                + Math.Log(n1 - x) + Math.Log(successes - x)
                - Math.Log(x + 1) - Math.Log(n2 - successes + x + 1);
        }

        var max = logWeights.Max();
        var observed = logWeights[successes1 - low];
        var tolerance = ReliabilityMath.Log1P(1e-7);
        double total = 0, asExtreme = 0;
        foreach (var logWeight in logWeights)
        {
            var weight = Math.Exp(logWeight - max);
            total += weight;
            if (logWeight <= observed + tolerance)
            {
                asExtreme += weight;
            }
        }

        return Math.Clamp(asExtreme / total, 0, 1);
    }

    /// <summary>
    /// Newcombe's hybrid score interval (method 10 of Newcombe 1998, "Interval estimation for the difference between
    /// independent proportions") for p1 − p2, built from the two Wilson intervals.
    /// </summary>
    public static (double Lower, double Upper) DifferenceInterval(ProportionInterval first, ProportionInterval second)
    {
        var (p1, p2) = (first.Rate, second.Rate);
        var difference = p1 - p2;
        var lower = difference - Math.Sqrt(Square(p1 - first.Lower) + Square(second.Upper - p2));
        var upper = difference + Math.Sqrt(Square(first.Upper - p1) + Square(p2 - second.Lower));
        return (Math.Max(-1, lower), Math.Min(1, upper));

        static double Square(double x) => x * x;
    }

    /// <summary>
    /// How many more trials, all passing, lift the nines of the Wilson lower bound of <paramref name="successes"/> /
    /// <paramref name="trials"/> to at least <paramref name="nines"/>; <see langword="null"/> beyond 10^15.
    /// </summary>
    /// <remarks>The lower bound only grows as passing trials are added, so a doubling search then a bisection finds the least count.</remarks>
    public static long? AdditionalSuccessesForNines(long successes, long trials, double nines, double confidence)
    {
        const long Limit = 1_000_000_000_000_000;
        var allowedFailure = Math.Pow(10, -nines);
        if (Meets(0))
        {
            return 0;
        }

        long high = 1;
        while (!Meets(high))
        {
            if (high >= Limit)
            {
                return null;
            }

            high *= 2;
        }

        var low = high / 2;
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (Meets(middle))
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;

        bool Meets(long more) =>
            trials + more > 0 && 1 - ProportionInterval.Wilson(successes + more, trials + more, confidence).Lower <= allowedFailure;
    }
}
