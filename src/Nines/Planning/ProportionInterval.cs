namespace Nines.Planning;

/// <summary>A confidence interval for a success rate measured as <c>successes</c> out of <c>trials</c>.</summary>
/// <param name="Successes">The number of successes.</param>
/// <param name="Trials">The number of trials.</param>
/// <param name="Lower">The lower bound of the interval.</param>
/// <param name="Upper">The upper bound of the interval.</param>
/// <param name="Confidence">The confidence level, such as 0.95.</param>
public readonly record struct ProportionInterval(long Successes, long Trials, double Lower, double Upper, double Confidence)
{
    /// <summary>Gets the observed success rate, successes / trials (0 when there were no trials).</summary>
    public double Rate => Trials == 0 ? 0 : (double)Successes / Trials;

    /// <summary>
    /// Computes the Wilson score interval (Wilson 1927), which stays inside [0, 1] and behaves well at 0 or n
    /// successes, where the textbook normal interval collapses to a point.
    /// </summary>
    /// <param name="successes">The number of successes, 0 ≤ successes ≤ trials.</param>
    /// <param name="trials">The number of trials, at least 1.</param>
    /// <param name="confidence">The two-sided confidence level in (0, 1).</param>
    /// <returns>The interval.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static ProportionInterval Wilson(long successes, long trials, double confidence = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must be between 0 and 1, such as 0.95.");
        }

        var z = NormalQuantile(1 - ((1 - confidence) / 2));
        var n = (double)trials;
        var p = successes / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var halfWidth = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n))) / denominator;

        // Pin the exact ends: at 0 or n successes the interval touches 0 or 1 exactly.
        var lower = successes == 0 ? 0 : Math.Max(0, centre - halfWidth);
        var upper = successes == trials ? 1 : Math.Min(1, centre + halfWidth);
        return new ProportionInterval(successes, trials, lower, upper, confidence);
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    internal static double NormalQuantile(double probability)
    {
        if (!(probability > 0 && probability < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The probability must be between 0 and 1.");
        }

        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double Low = 0.02425;

        if (probability < Low)
        {
            var q = Math.Sqrt(-2 * Math.Log(probability));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        if (probability > 1 - Low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - probability));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        var r = probability - 0.5;
        var s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
