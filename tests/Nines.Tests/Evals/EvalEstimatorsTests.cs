using System.Numerics;
using CsCheck;
using Nines.Evals;
using Nines.Planning;

namespace Nines.Tests.Evals;

public class EvalEstimatorsTests
{
    [Theory]
    // Chen et al. 2021 ("Evaluating Large Language Models Trained on Code", the HumanEval paper), eq. 1:
    // pass@k = 1 − C(n − c, k) / C(n, k). Hand-computed for n = 10, c = 3:
    // k = 1: 3/10; k = 2: 1 − C(7,2)/C(10,2) = 1 − 21/45; k = 5: 1 − C(7,5)/C(10,5) = 1 − 21/252; k = 8: C(7,8) = 0 → 1.
    [InlineData(10, 3, 1, 0.3)]
    [InlineData(10, 3, 2, 24.0 / 45)]
    [InlineData(10, 3, 5, 231.0 / 252)]
    [InlineData(10, 3, 8, 1.0)]
    [InlineData(10, 0, 5, 0.0)]
    public void PassAtK_HandComputedValues_MatchTheHumanEvalEstimator(int n, int c, int k, double expected) =>
        Assert.Equal(expected, EvalEstimators.PassAtK(n, c, k), 12);

    [Theory]
    // τ-bench (Yao et al. 2024, "τ-bench: A Benchmark for Tool-Agent-User Interaction in Real-World Domains"):
    // pass^k = C(c, k) / C(n, k). Hand-computed: C(3,2)/C(10,2) = 3/45; C(3,3)/C(10,3) = 1/120; C(3,2)/C(4,2) = 3/6.
    [InlineData(10, 3, 1, 0.3)]
    [InlineData(10, 3, 2, 3.0 / 45)]
    [InlineData(10, 3, 3, 1.0 / 120)]
    [InlineData(10, 3, 4, 0.0)]
    [InlineData(4, 3, 2, 0.5)]
    [InlineData(8, 8, 8, 1.0)]
    public void PassHatK_HandComputedValues_MatchTheTauBenchEstimator(int n, int c, int k, double expected) =>
        Assert.Equal(expected, EvalEstimators.PassHatK(n, c, k), 12);

    [Fact]
    public void PassHatKAndPassAtK_AnySmallCase_AgreeWithBruteForceEnumerationOfKSubsets()
    {
        Gen.Int[1, 10].SelectMany(n => Gen.Int[0, n].SelectMany(c => Gen.Int[1, n].Select(k => (n, c, k)))).Sample(t =>
        {
            var (all, any, subsets) = (0, 0, 0);
            foreach (var subset in Subsets(t.n, t.k))
            {
                subsets++;
                // Trials 0 … c − 1 passed, the rest failed; a subset is its trial indexes.
                var passes = subset.Count(i => i < t.c);
                all += passes == t.k ? 1 : 0;
                any += passes > 0 ? 1 : 0;
            }

            return Math.Abs(EvalEstimators.PassHatK(t.n, t.c, t.k) - ((double)all / subsets)) < 1e-12
                && Math.Abs(EvalEstimators.PassAtK(t.n, t.c, t.k) - ((double)any / subsets)) < 1e-12;
        });
    }

    [Fact]
    public void PassHatK_LargeN_StaysFiniteWhereFactorialsWouldOverflow()
    {
        // C(10000, 5000) overflows a double by thousands of orders of magnitude; the product form does not.
        var value = EvalEstimators.PassHatK(10_000, 9_990, 5_000);
        Assert.InRange(value, 0, 1e-2);
        Assert.True(double.IsFinite(value));
        Assert.Equal(0.999, EvalEstimators.PassHatK(1_000_000, 999_000, 1), 12);
    }

    [Fact]
    public void FisherExactTwoSided_LadyTastingTea_IsFishersPublished0_4857()
    {
        // Fisher (1935), The Design of Experiments: 8 cups, 4 with milk first; the lady picks 3 of the 4 correctly.
        // Two-sided p = (1 + 16 + 16 + 1) / 70 = 34/70 = 0.4857 (R: fisher.test(TeaTasting) gives p-value = 0.4857).
        Assert.Equal(34.0 / 70, EvalEstimators.FisherExactTwoSided(3, 1, 1, 3), 12);
    }

    [Theory]
    // Hand-computed: the two most extreme tables of 20 trials with 10 successes each have probability 1/C(20,10).
    [InlineData(10, 0, 0, 10, 2.0 / 184_756)]
    [InlineData(3, 0, 0, 3, 0.1)]
    [InlineData(5, 5, 5, 5, 1.0)]
    [InlineData(0, 10, 0, 10, 1.0)]
    public void FisherExactTwoSided_HandComputedTables_MatchExactProbabilities(long s1, long f1, long s2, long f2, double expected) =>
        Assert.Equal(expected, EvalEstimators.FisherExactTwoSided(s1, f1, s2, f2), 12);

    [Fact]
    public void FisherExactTwoSided_AnySmallTable_MatchesExactRationalArithmetic()
    {
        Gen.Int[0, 25].Array[4].Sample(t =>
        {
            var expected = ExactFisher(t[0], t[1], t[2], t[3]);
            return Math.Abs(EvalEstimators.FisherExactTwoSided(t[0], t[1], t[2], t[3]) - expected) < 1e-9;
        });
    }

    [Fact]
    public void FisherExactTwoSided_MillionsOfTrials_NeitherOverflowsNorLosesTheObviousAnswer()
    {
        Assert.Equal(1, EvalEstimators.FisherExactTwoSided(990_000, 10_000, 990_000, 10_000), 6);
        var different = EvalEstimators.FisherExactTwoSided(999_000, 1_000, 990_000, 10_000);
        Assert.InRange(different, 0, 1e-100);
        Assert.Equal(different, EvalEstimators.FisherExactTwoSided(990_000, 10_000, 999_000, 1_000), 12);
    }

    [Fact]
    public void DifferenceInterval_NewcombeExample_MatchesPublishedHybridScoreInterval()
    {
        // Newcombe (1998), "Interval estimation for the difference between independent proportions: comparison of eleven
        // methods", Statistics in Medicine 17:873–890, example (a): 56/70 − 48/80 = 0.2000, method 10 (hybrid score,
        // no continuity correction) 0.0524 to 0.3339.
        var (lower, upper) = EvalEstimators.DifferenceInterval(ProportionInterval.Wilson(56, 70), ProportionInterval.Wilson(48, 80));
        Assert.Equal(0.0524, lower, 4);
        Assert.Equal(0.3339, upper, 4);
    }

    [Fact]
    public void AdditionalSuccessesForNines_HundredOfHundred_Needs281MoreForTwoNines()
    {
        // With n of n passing, the Wilson lower bound is n / (n + z²). Two nines needs n / (n + z²) ≥ 0.99, so
        // n ≥ 99 z² = 99 × 1.959964² = 380.3: 381 trials, 281 more than the 100 already run.
        Assert.Equal(281, EvalEstimators.AdditionalSuccessesForNines(100, 100, 2, 0.95));
        Assert.Equal(0, EvalEstimators.AdditionalSuccessesForNines(381, 381, 2, 0.95));
    }

    [Fact]
    public void AdditionalSuccessesForNines_AnyCounts_IsTheLeastCountThatReachesTheNines()
    {
        Gen.Int[1, 2000].SelectMany(n => Gen.Int[0, n].SelectMany(s => Gen.Int[1, 4].Select(d => (n, s, d)))).Sample(t =>
        {
            var more = EvalEstimators.AdditionalSuccessesForNines(t.s, t.n, t.d, 0.95);
            if (more is not { } m)
            {
                return false;
            }

            return Reaches(m) && (m == 0 || !Reaches(m - 1));

            bool Reaches(long extra) => 1 - ProportionInterval.Wilson(t.s + extra, t.n + extra).Lower <= Math.Pow(10, -t.d);
        });
    }

    private static IEnumerable<int[]> Subsets(int n, int k)
    {
        var indexes = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return indexes;
            var i = k - 1;
            while (i >= 0 && indexes[i] == n - k + i)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            indexes[i]++;
            for (var j = i + 1; j < k; j++)
            {
                indexes[j] = indexes[j - 1] + 1;
            }
        }
    }

    private static double ExactFisher(int s1, int f1, int s2, int f2)
    {
        int n1 = s1 + f1, n2 = s2 + f2, s = s1 + s2;
        var low = Math.Max(0, s - n2);
        var high = Math.Min(n1, s);
        var weights = Enumerable.Range(low, high - low + 1).ToDictionary(x => x, x => Binomial(n1, x) * Binomial(n2, s - x));
        var observed = weights[s1];
        var total = weights.Values.Aggregate(BigInteger.Zero, (a, b) => a + b);
        var extreme = weights.Values.Where(w => w <= observed).Aggregate(BigInteger.Zero, (a, b) => a + b);
        return (double)extreme / (double)total;
    }

    private static BigInteger Binomial(int n, int k)
    {
        BigInteger result = 1;
        for (var i = 0; i < k; i++)
        {
            result = result * (n - i) / (i + 1);
        }

        return result;
    }
}
