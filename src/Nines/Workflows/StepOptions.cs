namespace Nines.Workflows;

/// <summary>How a step or effect retries its body before the failure is journaled.</summary>
public sealed class StepOptions
{
    /// <summary>Attempts in all, the first included.</summary>
    /// <value>The default value is 1 (no retry).</value>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>The delay before the second attempt; each later delay is multiplied by <see cref="BackoffMultiplier"/>.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The factor between consecutive delays.</summary>
    /// <value>The default value is 2.</value>
    public double BackoffMultiplier { get; set; } = 2;

    /// <summary>The longest delay between attempts.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Decides whether a failure is worth another attempt; null retries every failure except cancellation.</summary>
    /// <value>The default value is null.</value>
    public Func<Exception, bool>? ShouldRetry { get; set; }

    internal void Validate(string stepName)
    {
        var problems = new List<string>();
        if (MaxAttempts < 1)
        {
            problems.Add($"MaxAttempts is {MaxAttempts}; it must be at least 1.");
        }

        if (InitialDelay < TimeSpan.Zero)
        {
            problems.Add($"InitialDelay is {InitialDelay}; it must not be negative.");
        }

        if (BackoffMultiplier < 1)
        {
            problems.Add($"BackoffMultiplier is {BackoffMultiplier}; it must be at least 1.");
        }

        if (MaxDelay < InitialDelay)
        {
            problems.Add($"MaxDelay ({MaxDelay}) is shorter than InitialDelay ({InitialDelay}).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Step options for '{stepName}' are invalid: {string.Join(" ", problems)}");
        }
    }

    internal TimeSpan DelayBefore(int attempt)
    {
        // attempt is the 1-based number of the attempt about to run; no delay before the first.
        var delay = InitialDelay.TotalMilliseconds * Math.Pow(BackoffMultiplier, attempt - 2);
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxDelay.TotalMilliseconds));
    }
}
