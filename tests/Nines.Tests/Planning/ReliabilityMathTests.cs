using CsCheck;
using Nines.Planning;

namespace Nines.Tests.Planning;

public class ReliabilityMathTests
{
    // ---- KMin ---------------------------------------------------------------------------------

    [Fact]
    public void KMin_MakerTowersOfHanoi_IsThree()
    {
        // Golden number from MAKER: Meyerson et al. 2025, "Solving a Million-Step LLM Task with Zero Errors"
        // (arXiv:2511.09030). 20-disk Towers of Hanoi = 2^20 - 1 = 1,048,575 steps, per-step error rate
        // of gpt-4.1-mini ~0.22% (p = 0.9978), target 95% whole-task success → k_min = 3.
        Assert.Equal(3, ReliabilityMath.KMin(1 - 0.0022, 1_048_575, 0.95));
    }

    [Fact]
    public void KMin_SingleStepEasyTarget_IsOne()
    {
        // One sample with p = 0.99 already beats a 0.9 target for one step.
        Assert.Equal(1, ReliabilityMath.KMin(0.99, 1, 0.9));
    }

    [Fact]
    public void KMin_PerfectSample_IsOne()
    {
        Assert.Equal(1, ReliabilityMath.KMin(1.0, 1_000_000, 0.999));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.4)]
    [InlineData(0.0)]
    public void KMin_CoinOrWorse_ThrowsExplainingCoin(double p)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ReliabilityMath.KMin(p, 10, 0.9));
        Assert.Equal("p", ex.ParamName);
        Assert.Contains("no better than a coin", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void KMin_TargetOutsideOpenUnitInterval_Throws(double target)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ReliabilityMath.KMin(0.9, 10, target));
        Assert.Equal("target", ex.ParamName);
    }

    [Fact]
    public void KMin_ZeroSteps_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ReliabilityMath.KMin(0.9, 0, 0.9));
        Assert.Equal("steps", ex.ParamName);
    }

    [Fact]
    public void KMin_Property_IsMinimalMarginThatMeetsTarget()
    {
        Gen.Select(Gen.Double[0.5001, 0.9999], Gen.Long[1, 10_000_000], Gen.Double[0.01, 0.9999])
            .Sample((p, steps, target) =>
            {
                var k = ReliabilityMath.KMin(p, steps, target);
                Assert.True(Success(p, k, steps) >= target, $"k={k} misses the target");
                if (k > 1)
                {
                    Assert.True(Success(p, k - 1, steps) < target, $"k-1={k - 1} already meets the target");
                }
            });

        static double Success(double p, int k, long steps) =>
            ReliabilityMath.WorkflowSuccessFromStepFailure(ReliabilityMath.FirstToAheadByKFailure(p, k), steps);
    }

    [Fact]
    public void KMin_Property_AgreesWithClosedFormAwayFromBoundaries()
    {
        Gen.Select(Gen.Double[0.6, 0.999], Gen.Long[1, 1_000_000], Gen.Double[0.5, 0.99])
            .Sample((p, steps, target) =>
            {
                var raw = Math.Log(Math.Pow(target, -1.0 / steps) - 1) / Math.Log((1 - p) / p);
                var nearInteger = Math.Abs(raw - Math.Round(raw)) < 1e-6;
                if (!nearInteger)
                {
                    Assert.Equal(Math.Max(1, (int)Math.Ceiling(raw)), ReliabilityMath.KMin(p, steps, target));
                }
            });
    }

    // ---- FirstToAheadByK / ExpectedSamplesAheadByK -------------------------------------------

    [Fact]
    public void FirstToAheadByK_KIsOne_IsSingleSampleAccuracy()
    {
        Assert.Equal(0.7, ReliabilityMath.FirstToAheadByK(0.7, 1), 1e-12);
    }

    [Fact]
    public void FirstToAheadByK_KnownValue_MatchesFormula()
    {
        // p = 0.9, k = 3: 1 / (1 + (1/9)^3) = 729/730.
        Assert.Equal(729.0 / 730.0, ReliabilityMath.FirstToAheadByK(0.9, 3), 1e-14);
        Assert.Equal(1.0 / 730.0, ReliabilityMath.FirstToAheadByKFailure(0.9, 3), 1e-16);
    }

    [Fact]
    public void FirstToAheadByKFailure_TinyFailure_KeepsPrecision()
    {
        // (0.0022/0.9978)^6 ≈ 1.1e-16: below the rounding of 1 - x, but the failure side keeps it.
        var failure = ReliabilityMath.FirstToAheadByKFailure(1 - 0.0022, 6);
        var expected = Math.Pow(0.0022 / 0.9978, 6);
        Assert.Equal(expected, failure, expected * 1e-9);
    }

    [Fact]
    public void FirstToAheadByK_Property_InUnitIntervalAndIncreasingInK()
    {
        Gen.Select(Gen.Double[0.501, 0.999], Gen.Int[1, 30]).Sample((p, k) =>
        {
            var now = ReliabilityMath.FirstToAheadByK(p, k);
            var next = ReliabilityMath.FirstToAheadByK(p, k + 1);
            Assert.InRange(now, double.Epsilon, 1);
            Assert.True(next >= now, $"P(k+1)={next} < P(k)={now}");
            Assert.True(ReliabilityMath.FirstToAheadByKFailure(p, k + 1) < ReliabilityMath.FirstToAheadByKFailure(p, k));
        });
    }

    [Fact]
    public void FirstToAheadByK_Property_IncreasingInP()
    {
        Gen.Select(Gen.Double[0.501, 0.99], Gen.Double[0.0001, 0.009], Gen.Int[1, 12]).Sample((p, delta, k) =>
        {
            // Success rounds to the same double near 1, so strictness is checked on the failure side, which keeps its digits.
            var lower = ReliabilityMath.FirstToAheadByK(p, k);
            var higher = ReliabilityMath.FirstToAheadByK(p + delta, k);
            Assert.True(higher >= lower, $"P(p+δ)={higher} < P(p)={lower}");
            var failureLower = ReliabilityMath.FirstToAheadByKFailure(p, k);
            var failureHigher = ReliabilityMath.FirstToAheadByKFailure(p + delta, k);
            Assert.True(failureHigher < failureLower, $"failure(p+δ)={failureHigher} ≥ failure(p)={failureLower}");
        });
    }

    [Fact]
    public void FirstToAheadByK_Property_MatchesMarkovAbsorption()
    {
        Gen.Select(Gen.Double[0.05, 0.95], Gen.Int[1, 10]).Sample((p, k) =>
        {
            var (win, _) = GamblersRuin(p, k);
            Assert.Equal(win, ReliabilityMath.FirstToAheadByK(p, k), 1e-9);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void ExpectedSamplesAheadByK_FairCoin_IsKSquared(int k)
    {
        Assert.Equal((double)k * k, ReliabilityMath.ExpectedSamplesAheadByK(0.5, k), 1e-9);
    }

    [Fact]
    public void ExpectedSamplesAheadByK_KIsOne_IsOneSample()
    {
        Assert.Equal(1.0, ReliabilityMath.ExpectedSamplesAheadByK(0.8, 1), 1e-12);
    }

    [Fact]
    public void ExpectedSamplesAheadByK_NearHalf_ApproachesKSquaredContinuously()
    {
        Assert.Equal(25.0, ReliabilityMath.ExpectedSamplesAheadByK(0.5 + 1e-12, 5), 1e-6);
        Assert.Equal(25.0, ReliabilityMath.ExpectedSamplesAheadByK(0.5 - 1e-12, 5), 1e-6);
    }

    [Fact]
    public void ExpectedSamplesAheadByK_Property_MatchesMarkovChain()
    {
        Gen.Select(Gen.Double[0.01, 0.99], Gen.Int[1, 12]).Sample((p, k) =>
        {
            var (_, steps) = GamblersRuin(p, k);
            var formula = ReliabilityMath.ExpectedSamplesAheadByK(p, k);
            Assert.Equal(steps, formula, Math.Max(1e-9, steps * 1e-9));
        });
    }

    // ---- MajorityOfN ---------------------------------------------------------------------------

    [Fact]
    public void MajorityOfN_ThreeSamples_KnownValue()
    {
        // p^3 + 3p^2(1-p) at p = 0.9 = 0.729 + 0.243 = 0.972.
        Assert.Equal(0.972, ReliabilityMath.MajorityOfN(0.9, 3), 1e-12);
    }

    [Fact]
    public void MajorityOfN_Property_MatchesBruteForceEnumeration()
    {
        Gen.Select(Gen.Double[0.0, 1.0], Gen.Int[1, 14]).Sample((p, n) =>
        {
            Assert.Equal(BruteForceMajority(p, n), ReliabilityMath.MajorityOfN(p, n), 1e-10);
        });
    }

    [Fact]
    public void MajorityOfN_Property_EvenNEqualsPreviousOddN()
    {
        // With ties broken by a fair coin, the 2m-th sample adds nothing over 2m - 1 samples.
        Gen.Select(Gen.Double[0.0, 1.0], Gen.Int[1, 200]).Sample((p, m) =>
        {
            Assert.Equal(ReliabilityMath.MajorityOfN(p, (2 * m) - 1), ReliabilityMath.MajorityOfN(p, 2 * m), 1e-10);
        });
    }

    [Fact]
    public void MajorityOfN_Property_WinAndLossSumToOne()
    {
        Gen.Select(Gen.Double[0.0, 1.0], Gen.Int[1, 5_000]).Sample((p, n) =>
        {
            Assert.Equal(1.0, ReliabilityMath.MajorityOfN(p, n) + ReliabilityMath.MajorityOfN(1 - p, n), 1e-12);
        });
    }

    [Fact]
    public void MajorityOfN_Property_IncreasingInOddNAboveHalf()
    {
        Gen.Select(Gen.Double[0.51, 0.99], Gen.Int[0, 500]).Sample((p, m) =>
        {
            var n = (2 * m) + 1;
            Assert.True(ReliabilityMath.MajorityOfN(p, n + 2) >= ReliabilityMath.MajorityOfN(p, n));
        });
    }

    [Fact]
    public void MajorityOfN_LargeN_StaysFiniteAndTendsToOne()
    {
        var result = ReliabilityMath.MajorityOfN(0.55, 100_001);
        Assert.InRange(result, 1 - 1e-12, 1);
        var fair = ReliabilityMath.MajorityOfN(0.5, 100_001);
        Assert.Equal(0.5, fair, 1e-9);
    }

    [Fact]
    public void MajorityOfN_LossIsMajorityOfComplement()
    {
        var loss = ReliabilityMath.MajorityOfN(0.0022, 9);

        // Dominant term C(9,5) q^5 p^4 plus the rest of the tail.
        var expected = 0.0;
        for (var i = 5; i <= 9; i++)
        {
            expected += Choose(9, i) * Math.Pow(0.0022, i) * Math.Pow(0.9978, 9 - i);
        }

        Assert.Equal(expected, loss, expected * 1e-9);
    }

    // ---- Workflow, nines, trials --------------------------------------------------------------

    [Fact]
    public void WorkflowSuccess_MatchesPower()
    {
        Assert.Equal(Math.Pow(0.99, 100), ReliabilityMath.WorkflowSuccess(0.99, 100), 1e-12);
        Assert.Equal(1.0, ReliabilityMath.WorkflowSuccess(0.3, 0));
        Assert.Equal(0.0, ReliabilityMath.WorkflowSuccess(0.0, 5));
    }

    [Fact]
    public void WorkflowSuccess_MillionStepsOfSingleSample_IsEffectivelyZero()
    {
        // MAKER's motivation: 0.9978^1,048,575 = e^-2309, i.e. a single sample per step never finishes.
        Assert.InRange(ReliabilityMath.WorkflowSuccess(0.9978, 1_048_575), 0, 1e-300);
    }

    [Fact]
    public void WorkflowFailure_TinyPerStepFailure_KeepsPrecision()
    {
        // 1e6 steps at 1e-16 each: failure ≈ 1e-10, which 1 - success would round away.
        Assert.Equal(1e-10, ReliabilityMath.WorkflowFailure(1e-16, 1_000_000), 1e-19);
        Assert.Equal(1 - 1e-10, ReliabilityMath.WorkflowSuccessFromStepFailure(1e-16, 1_000_000), 1e-15);
    }

    [Theory]
    [InlineData(1, 29)]     // ln 0.05 / ln 0.9     = 28.43
    [InlineData(2, 299)]    // ln 0.05 / ln 0.99    = 298.07
    [InlineData(3, 2995)]   // ln 0.05 / ln 0.999   = 2994.24
    [InlineData(4, 29956)]  // ln 0.05 / ln 0.9999  = 29955.8
    [InlineData(5, 299572)] // ln 0.05 / ln 0.99999 = 299571.8
    public void ZeroFailureTrialsForNines_At95Percent_MatchesRuleOfThree(double nines, long expected)
    {
        Assert.Equal(expected, ReliabilityMath.ZeroFailureTrialsForNines(nines));
    }

    [Fact]
    public void ZeroFailureTrialsForNines_IsSmallestSufficientCount()
    {
        // n trials without a failure rule out 99.9% (p ≤ 0.999) at 95% iff 0.999^n ≤ 0.05.
        var n = ReliabilityMath.ZeroFailureTrialsForNines(3);
        Assert.True(Math.Pow(0.999, n) <= 0.05);
        Assert.True(Math.Pow(0.999, n - 1) > 0.05);
    }

    [Fact]
    public void ZeroFailureTrialsForNines_HigherConfidence_NeedsMoreTrials()
    {
        Assert.True(ReliabilityMath.ZeroFailureTrialsForNines(3, 0.99) > ReliabilityMath.ZeroFailureTrialsForNines(3, 0.95));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReliabilityMath.ZeroFailureTrialsForNines(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReliabilityMath.ZeroFailureTrialsForNines(3, 1.0));
    }

    [Fact]
    public void Nines_KnownValues()
    {
        Assert.Equal(3.0, ReliabilityMath.Nines(0.999), 1e-9);
        Assert.Equal(1.0, ReliabilityMath.Nines(0.9), 1e-9);
        Assert.Equal(0.0, ReliabilityMath.Nines(0.0));
        Assert.Equal(double.PositiveInfinity, ReliabilityMath.Nines(1.0));
        Assert.Equal(16.0, ReliabilityMath.NinesFromFailure(1e-16), 1e-9);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReliabilityMath.Nines(1.5));
    }

    // ---- Reference computations ---------------------------------------------------------------

    /// <summary>
    /// Solves the gambler's-ruin chain on the lead d ∈ (−k, k) exactly by the Thomas algorithm:
    /// W(d) = p·W(d+1) + q·W(d−1) with W(k) = 1, W(−k) = 0 (probability of winning), and
    /// E(d) = 1 + p·E(d+1) + q·E(d−1) with E(±k) = 0 (expected votes).
    /// </summary>
    private static (double Win, double Steps) GamblersRuin(double p, int k)
    {
        var q = 1 - p;
        var size = (2 * k) - 1; // interior states −k+1 .. k−1
        var win = SolveTridiagonal(size, p, q, i => i == size - 1 ? p : 0);
        var steps = SolveTridiagonal(size, p, q, _ => 1);
        return (win[k - 1], steps[k - 1]);
    }

    // x_i − q·x_{i−1} − p·x_{i+1} = rhs_i, boundaries folded into rhs.
    private static double[] SolveTridiagonal(int size, double p, double q, Func<int, double> rhs)
    {
        var c = new double[size];
        var d = new double[size];
        for (var i = 0; i < size; i++)
        {
            var lower = i == 0 ? 0 : -q;
            var denominator = 1 - (lower * (i == 0 ? 0 : c[i - 1]));
            c[i] = -p / denominator;
            d[i] = (rhs(i) - (lower * (i == 0 ? 0 : d[i - 1]))) / denominator;
        }

        var x = new double[size];
        for (var i = size - 1; i >= 0; i--)
        {
            x[i] = d[i] - (c[i] * (i == size - 1 ? 0 : x[i + 1]));
        }

        return x;
    }

    private static double BruteForceMajority(double p, int n)
    {
        var total = 0.0;
        for (var mask = 0; mask < 1 << n; mask++)
        {
            var correct = System.Numerics.BitOperations.PopCount((uint)mask);
            var probability = Math.Pow(p, correct) * Math.Pow(1 - p, n - correct);
            if (2 * correct > n)
            {
                total += probability;
            }
            else if (2 * correct == n)
            {
                total += probability / 2;
            }
        }

        return total;
    }

    private static double Choose(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
