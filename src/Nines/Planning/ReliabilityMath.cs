namespace Nines.Planning;

/// <summary>
/// Closed-form reliability math for voting, multi-step workflows and the number of trials a claim of
/// reliability needs: the numbers behind <c>nines plan</c> and behind the choice of a consensus margin.
/// </summary>
/// <remarks>
/// <para>
/// The voting formulas use the two-outcome model: each sample is independently correct with probability
/// <c>p</c> and otherwise casts a vote for one single wrong answer. That is the worst case for voting — real
/// wrong answers usually scatter over many values, and scattered votes are easier to outvote — so the
/// numbers here are conservative.
/// </para>
/// <para>
/// Probabilities close to 1 lose their information to rounding (1 − 10⁻¹⁷ is 1 in a <see cref="double"/>).
/// Where that matters the class offers a failure-side twin (<see cref="FirstToAheadByKFailure"/>,
/// <see cref="WorkflowFailure"/>, <see cref="NinesFromFailure"/>) computed without subtracting from 1.
/// All members are pure and thread-safe.
/// </para>
/// </remarks>
public static class ReliabilityMath
{
    /// <summary>
    /// The probability that the correct answer wins a majority vote of <paramref name="n"/> independent samples.
    /// </summary>
    /// <param name="p">The probability that one sample is correct, in [0, 1].</param>
    /// <param name="n">The number of samples, at least 1.</param>
    /// <returns>
    /// Σ over i &gt; n/2 of C(n, i)·pⁱ·(1 − p)ⁿ⁻ⁱ, plus, for even <paramref name="n"/>, half of the probability of
    /// a tie (n/2 against n/2).
    /// </returns>
    /// <remarks>
    /// <para>
    /// Ties on even <paramref name="n"/> get half credit: they are assumed to be broken by a fair coin. With
    /// that rule majority-of-2m is exactly as reliable as majority-of-(2m − 1) — the extra sample buys nothing
    /// — which is why odd n is the usual choice. It also keeps the model symmetric: the probability that the
    /// vote is lost is <c>MajorityOfN(1 - p, n)</c>; use that form when p is close to 1 to keep precision.
    /// </para>
    /// <para>
    /// Summed outward from the binomial mode and normalised, so large n neither overflows nor loses precision;
    /// the cost is O(√n) in the usual case and O(n) at worst.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1] or <paramref name="n"/> is less than 1.</exception>
    public static double MajorityOfN(double p, int n)
    {
        ThrowIfNotProbability(p);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);

        if (p == 0)
        {
            return 0;
        }

        if (p == 1)
        {
            return 1;
        }

        // The binomial terms are generated outward from the mode as ratios to the mode's term, and the
        // answer is (sum over winning outcomes) / (sum over all outcomes). Normalising by the total cancels
        // the rounding a directly computed C(n, i) would carry for large n, every term keeps its relative
        // precision (so tiny results stay exact), nothing overflows, and the loops stop once the remaining
        // terms are negligible: O(sqrt(n)) work unless the winning region lies far out in the tail.
        const double Negligible = 1e-20;
        var odds = p / (1 - p);
        var mode = (int)Math.Clamp(Math.Floor((n + 1.0) * p), 0, n);
        var total = 1.0;
        var win = Weight(mode, n);

        var term = 1.0;
        for (var i = mode + 1; i <= n; i++)
        {
            term *= (double)(n - i + 1) / i * odds;
            if (term == 0)
            {
                break;
            }

            total += term;
            var weight = Weight(i, n);
            win += weight * term;
            if (weight == 1 && term < Negligible * win)
            {
                break;
            }
        }

        term = 1.0;
        for (var i = mode - 1; i >= 0; i--)
        {
            term *= (double)(i + 1) / (n - i) / odds;
            if (term == 0)
            {
                break;
            }

            total += term;
            win += Weight(i, n) * term;
            if (term < Negligible * total)
            {
                break;
            }
        }

        return Math.Clamp(win / total, 0, 1);

        // A strict majority counts fully; an exact tie (even n) counts half, as if broken by a fair coin.
        static double Weight(int correct, int samples) =>
            (2L * correct) > samples ? 1 : (2L * correct) == samples ? 0.5 : 0;
    }

    /// <summary>
    /// The probability that first-to-ahead-by-<paramref name="k"/> voting picks the correct answer: samples are
    /// drawn until one answer leads the other by <paramref name="k"/> votes.
    /// </summary>
    /// <param name="p">The probability that one sample is correct, in [0, 1].</param>
    /// <param name="k">The margin, at least 1. k = 1 is a single sample.</param>
    /// <returns>1 / (1 + ((1 − p)/p)^k).</returns>
    /// <remarks>
    /// The gambler's-ruin absorption probability, as used by MAKER (Meyerson et al., 2025, "Solving a
    /// Million-Step LLM Task with Zero Errors"). Increasing in k for p &gt; ½, so any margin helps a sample
    /// that is better than a coin, and the error falls geometrically in k.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1] or <paramref name="k"/> is less than 1.</exception>
    public static double FirstToAheadByK(double p, int k)
    {
        ThrowIfNotProbability(p);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return 1 / (1 + OddsPower(1 - p, p, k));
    }

    /// <summary>
    /// The probability that first-to-ahead-by-<paramref name="k"/> voting picks the wrong answer, computed
    /// without subtracting from 1 so that tiny failure rates keep their precision.
    /// </summary>
    /// <param name="p">The probability that one sample is correct, in [0, 1].</param>
    /// <param name="k">The margin, at least 1.</param>
    /// <returns>1 / (1 + (p/(1 − p))^k), which equals 1 − <see cref="FirstToAheadByK"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1] or <paramref name="k"/> is less than 1.</exception>
    public static double FirstToAheadByKFailure(double p, int k)
    {
        ThrowIfNotProbability(p);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return 1 / (1 + OddsPower(p, 1 - p, k));
    }

    /// <summary>
    /// The expected number of samples that first-to-ahead-by-<paramref name="k"/> voting draws before one answer
    /// leads by <paramref name="k"/>.
    /// </summary>
    /// <param name="p">The probability that one sample is correct, in [0, 1].</param>
    /// <param name="k">The margin, at least 1.</param>
    /// <returns>
    /// k/(p − q) · (1 − (q/p)^k)/(1 + (q/p)^k) with q = 1 − p, and k² when p = ½.
    /// </returns>
    /// <remarks>
    /// The expected duration of a gambler's-ruin walk that starts at 0 and stops at ±k. Evaluated as
    /// k·tanh(k·a/2)/(p − q) with a = ln(p/q), which stays accurate as p approaches ½.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1] or <paramref name="k"/> is less than 1.</exception>
    public static double ExpectedSamplesAheadByK(double p, int k)
    {
        ThrowIfNotProbability(p);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

        var q = 1 - p;
        var drift = p - q;
        if (drift == 0)
        {
            return (double)k * k;
        }

        if (p == 0 || q == 0)
        {
            return k;
        }

        // a = ln(p/q) = log1p((p - q)/q), precise when p is near ½ where the quotient is near 1.
        var a = Log1P(drift / q);
        return k * Math.Tanh(k * a / 2) / drift;
    }

    /// <summary>
    /// The smallest margin k for which first-to-ahead-by-k voting makes a workflow of <paramref name="steps"/>
    /// voted steps succeed with probability at least <paramref name="target"/>.
    /// </summary>
    /// <param name="p">The probability that one sample is correct; must be greater than ½ and at most 1.</param>
    /// <param name="steps">The number of steps, each decided by its own vote; at least 1.</param>
    /// <param name="target">The required probability that every step is right, in (0, 1).</param>
    /// <returns>
    /// k_min = ⌈ln(t^(−1/s) − 1) / ln((1 − p)/p)⌉, at least 1 (MAKER, Meyerson et al., 2025). The result is
    /// checked against <see cref="FirstToAheadByKFailure"/> and <see cref="WorkflowFailure"/> so that rounding
    /// at an exact boundary cannot make it one too small or one too large.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="p"/> is ½ or less (voting cannot fix a sample that is no better than a coin), above 1, or
    /// so close to ½ that k would not fit an <see cref="int"/>; <paramref name="steps"/> is less than 1; or
    /// <paramref name="target"/> is outside (0, 1).
    /// </exception>
    public static int KMin(double p, long steps, double target)
    {
        if (double.IsNaN(p) || p <= 0.5 || p > 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(p),
                p,
                FormattableString.Invariant($"Per-sample accuracy must be greater than 0.5 and at most 1 (got {p}): voting cannot help when a sample is no better than a coin. Use a stronger model or split the step until a single sample is right more often than not."));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (double.IsNaN(target) || target <= 0 || target >= 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(target),
                target,
                FormattableString.Invariant($"The target success probability must be strictly between 0 and 1 (got {target})."));
        }

        if (p == 1)
        {
            return 1;
        }

        // t^(-1/s) - 1 = expm1(-ln(t)/s): precise even when s is in the millions and the quantity is ~1e-8.
        var allowedOdds = ExpM1(-Math.Log(target) / steps);
        // ln(q/p) = log1p((q - p)/p): keeps its relative precision as p approaches ½, where k grows large.
        var q = 1 - p;
        var logRatio = Log1P((q - p) / p);
        var estimate = Math.Ceiling(Math.Log(allowedOdds) / logRatio);
        if (estimate >= int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(p),
                p,
                FormattableString.Invariant($"Per-sample accuracy {p} is so close to 0.5 that the margin needed for {steps} steps at target {target} exceeds {int.MaxValue}."));
        }

        var k = Math.Max(1, (int)estimate);

        // Guard the rounding at the boundary with the same computation callers use to check the result.
        while (!Meets(k))
        {
            if (k == int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(p),
                    p,
                    FormattableString.Invariant($"Per-sample accuracy {p} is so close to 0.5 that the margin needed for {steps} steps at target {target} exceeds {int.MaxValue}."));
            }

            k++;
        }

        while (k > 1 && Meets(k - 1))
        {
            k--;
        }

        return k;

        bool Meets(int margin) => WorkflowSuccessFromStepFailure(FirstToAheadByKFailure(p, margin), steps) >= target;
    }

    /// <summary>The probability that all <paramref name="steps"/> independent steps succeed.</summary>
    /// <param name="perStep">The probability that one step succeeds, in [0, 1].</param>
    /// <param name="steps">The number of steps, at least 0.</param>
    /// <returns>perStep^steps, computed in log space.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perStep"/> is outside [0, 1] or <paramref name="steps"/> is negative.</exception>
    public static double WorkflowSuccess(double perStep, long steps)
    {
        ThrowIfNotProbability(perStep);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (steps == 0)
        {
            return 1;
        }

        return perStep == 0 ? 0 : Math.Exp(steps * Math.Log(perStep));
    }

    /// <summary>
    /// The probability that all <paramref name="steps"/> independent steps succeed, given the failure rate of one
    /// step; precise when that rate is far below the rounding of 1 − rate.
    /// </summary>
    /// <param name="perStepFailure">The probability that one step fails, in [0, 1].</param>
    /// <param name="steps">The number of steps, at least 0.</param>
    /// <returns>(1 − perStepFailure)^steps.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perStepFailure"/> is outside [0, 1] or <paramref name="steps"/> is negative.</exception>
    public static double WorkflowSuccessFromStepFailure(double perStepFailure, long steps)
    {
        ThrowIfNotProbability(perStepFailure);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        return Math.Exp(LogWorkflowSuccess(perStepFailure, steps));
    }

    /// <summary>
    /// The probability that at least one of <paramref name="steps"/> independent steps fails, computed without
    /// subtracting from 1.
    /// </summary>
    /// <param name="perStepFailure">The probability that one step fails, in [0, 1].</param>
    /// <param name="steps">The number of steps, at least 0.</param>
    /// <returns>1 − (1 − perStepFailure)^steps.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perStepFailure"/> is outside [0, 1] or <paramref name="steps"/> is negative.</exception>
    public static double WorkflowFailure(double perStepFailure, long steps)
    {
        ThrowIfNotProbability(perStepFailure);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        return Math.Clamp(-ExpM1(LogWorkflowSuccess(perStepFailure, steps)), 0, 1);
    }

    /// <summary>
    /// The number of consecutive failure-free trials needed to claim <paramref name="nines"/> nines
    /// (a success rate of at least 1 − 10^−d) at the given confidence.
    /// </summary>
    /// <param name="nines">The number of nines d to demonstrate, greater than 0 (fractions allowed: 2.5 nines is 99.68%).</param>
    /// <param name="confidence">The confidence level, in (0, 1). The default is 0.95.</param>
    /// <returns>
    /// n = ⌈ln(1 − confidence) / ln(1 − 10^−d)⌉: the smallest n for which a system that only reached
    /// 1 − 10^−d would pass n trials in a row with probability at most 1 − confidence. At 95% this is the
    /// "rule of three": about 3·10^d trials (d = 3 needs 2,995).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="nines"/> is not positive or is so large that the count exceeds <see cref="long.MaxValue"/>,
    /// or <paramref name="confidence"/> is outside (0, 1).
    /// </exception>
    public static long ZeroFailureTrialsForNines(double nines, double confidence = 0.95)
    {
        if (double.IsNaN(nines) || nines <= 0 || double.IsInfinity(nines))
        {
            throw new ArgumentOutOfRangeException(nameof(nines), nines, FormattableString.Invariant($"The number of nines must be a positive finite number (got {nines})."));
        }

        if (double.IsNaN(confidence) || confidence <= 0 || confidence >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, FormattableString.Invariant($"The confidence must be strictly between 0 and 1 (got {confidence})."));
        }

        var failureRate = Math.Pow(10, -nines);
        var trials = Math.Ceiling(Log1P(-confidence) / Log1P(-failureRate));
        if (trials >= long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(nines), nines, FormattableString.Invariant($"Demonstrating {nines} nines takes more than {long.MaxValue} trials."));
        }

        return Math.Max(1, (long)trials);
    }

    /// <summary>The number of nines of a success rate: −log10(1 − p). 0.999 is 3 nines.</summary>
    /// <param name="successRate">The success rate, in [0, 1].</param>
    /// <returns>The nines; <see cref="double.PositiveInfinity"/> for a success rate of exactly 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="successRate"/> is outside [0, 1].</exception>
    public static double Nines(double successRate)
    {
        ThrowIfNotProbability(successRate);
        return NinesFromFailure(1 - successRate);
    }

    /// <summary>The number of nines of a failure rate: −log10(f). A failure rate of 0.001 is 3 nines.</summary>
    /// <param name="failureRate">The failure rate, in [0, 1].</param>
    /// <returns>The nines; <see cref="double.PositiveInfinity"/> for a failure rate of 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="failureRate"/> is outside [0, 1].</exception>
    public static double NinesFromFailure(double failureRate)
    {
        ThrowIfNotProbability(failureRate);
        return failureRate == 0 ? double.PositiveInfinity : -Math.Log10(failureRate) + 0.0;
    }

    /// <summary>ln(1 + x), accurate for small x (Goldberg's correction; double.LogP1 is not).</summary>
    internal static double Log1P(double x)
    {
        var u = 1 + x;
        if (u == 1)
        {
            return x;
        }

        return double.IsInfinity(u) || u <= 0 ? Math.Log(u) : Math.Log(u) * x / (u - 1);
    }

    /// <summary>eˣ − 1, accurate for small x (Kahan's correction).</summary>
    internal static double ExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }

        var um1 = u - 1;
        if (um1 == -1 || double.IsInfinity(u))
        {
            return um1;
        }

        return um1 * x / Math.Log(u);
    }

    private static double LogWorkflowSuccess(double perStepFailure, long steps)
    {
        if (steps == 0)
        {
            return 0;
        }

        return perStepFailure == 1 ? double.NegativeInfinity : steps * Log1P(-perStepFailure);
    }

    /// <summary>(numerator/denominator)^k without overflow in the intermediate power.</summary>
    private static double OddsPower(double numerator, double denominator, int k)
    {
        if (numerator == 0)
        {
            return 0;
        }

        if (denominator == 0)
        {
            return double.PositiveInfinity;
        }

        return Math.Exp(k * (Math.Log(numerator) - Math.Log(denominator)));
    }

    private static void ThrowIfNotProbability(double value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, FormattableString.Invariant($"A probability must be between 0 and 1 (got {value})."));
        }
    }
}
