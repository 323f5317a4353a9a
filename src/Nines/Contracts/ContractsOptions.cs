namespace Nines.Contracts;

/// <summary>Options for the contracts middleware added by <c>UseContracts</c>.</summary>
public sealed class ContractsOptions
{
    /// <summary>Gets or sets the most replies to ask for per call (the first plus re-asks) before throwing.</summary>
    /// <value>The default value is 3. Must be at least 1.</value>
    public int MaxAttempts { get; set; } = ContractsConstants.DefaultMaxAttempts;

    /// <summary>
    /// Gets or sets a value indicating whether calls without a JSON response format are still checked for empty output,
    /// truncation and refusal.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CheckUnstructuredReplies { get; set; } = true;

    /// <summary>
    /// Gets the lower-case phrases that mark a refusal: anywhere in the opening of a reply that should have been JSON but
    /// did not parse, or at the very start of a plain-text reply.
    /// </summary>
    /// <value>The default value is a list of common English refusals such as "i'm sorry, but i can't" and "i cannot help with".</value>
    public IList<string> RefusalPhrases { get; } = [.. ContractsConstants.DefaultRefusalPhrases];

    internal void Validate()
    {
        var problems = new List<string>();
        if (MaxAttempts < 1)
        {
            problems.Add($"MaxAttempts is {MaxAttempts}; it must be at least 1 (1 means no re-asks).");
        }

        if (RefusalPhrases.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("RefusalPhrases contains an empty phrase; remove it, or it would match every reply.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid ContractsOptions: " + string.Join(" ", problems), "configure");
        }
    }
}
