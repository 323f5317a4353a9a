namespace Nines.Evals;

/// <summary>Settings for <see cref="EvalStatistics.Compute"/>.</summary>
public sealed class EvalStatisticsOptions
{
    /// <summary>Gets or sets the confidence level of every interval (and so of the conservative nines).</summary>
    /// <value>The default value is 0.95.</value>
    public double Confidence { get; set; } = 0.95;

    /// <summary>Gets or sets the significance level α: a difference between two configurations is called significant when
    /// Fisher's exact test gives p &lt; α. Gates such as <c>hardened &gt; baseline</c> use it too.</summary>
    /// <value>The default value is 0.05.</value>
    public double SignificanceLevel { get; set; } = 0.05;

    /// <summary>Gets or sets the configuration every other configuration is compared with.</summary>
    /// <value>The default value is <see langword="null"/>: the first configuration in the results.</value>
    public string? Baseline { get; set; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (!(Confidence > 0 && Confidence < 1))
        {
            problems.Add(FormattableString.Invariant($"Confidence is {Confidence}: it must be between 0 and 1, such as 0.95."));
        }

        if (!(SignificanceLevel > 0 && SignificanceLevel < 1))
        {
            problems.Add(FormattableString.Invariant($"SignificanceLevel is {SignificanceLevel}: it must be between 0 and 1, such as 0.05."));
        }

        if (Baseline is not null && string.IsNullOrWhiteSpace(Baseline))
        {
            problems.Add("Baseline is blank: name a configuration or leave it null for the first one.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The eval statistics options are not valid: " + string.Join(" ", problems));
        }
    }
}
