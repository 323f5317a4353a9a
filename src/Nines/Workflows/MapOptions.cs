namespace Nines.Workflows;

/// <summary>How <see cref="WorkflowContext.MapAsync{TItem, TResult}"/> fans out.</summary>
public sealed class MapOptions
{
    /// <summary>At most this many items run at once.</summary>
    /// <value>The default value is 8.</value>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>The share of items that must succeed; below it the map fails with <see cref="MapQuorumException"/>.</summary>
    /// <value>The default value is 1 (every item).</value>
    public double MinSuccessRatio { get; set; } = 1;

    /// <summary>Retries for each item.</summary>
    /// <value>The default value is null (one attempt per item).</value>
    public StepOptions? ItemOptions { get; set; }

    internal void Validate(string name)
    {
        var problems = new List<string>();
        if (MaxConcurrency < 1)
        {
            problems.Add($"MaxConcurrency is {MaxConcurrency}; it must be at least 1.");
        }

        if (MinSuccessRatio is < 0 or > 1 || double.IsNaN(MinSuccessRatio))
        {
            problems.Add($"MinSuccessRatio is {MinSuccessRatio}; it must be between 0 and 1.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Map options for '{name}' are invalid: {string.Join(" ", problems)}");
        }

        ItemOptions?.Validate(name);
    }
}
