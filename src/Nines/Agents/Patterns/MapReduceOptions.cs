using Nines.Workflows;

namespace Nines.Agents.Patterns;

/// <summary>
/// A map–reduce inside a workflow: <see cref="Map"/> runs over every item with bounded concurrency and retries,
/// <see cref="Escalate"/> gets one attempt for an item whose retries failed, and <see cref="Reduce"/> combines the
/// results once at least <see cref="MinSuccessRatio"/> of the items succeeded.
/// </summary>
/// <typeparam name="TItem">The input item type.</typeparam>
/// <typeparam name="TMapped">What one item maps to (journaled as JSON).</typeparam>
/// <typeparam name="TOutput">What the reduce produces (journaled as JSON).</typeparam>
/// <remarks>
/// Durability: each item's outcome is journaled as it finishes and the reduce is a journaled step, so after a crash
/// only unfinished items run again, and a finished reduce (e.g. a model call) is never repeated. The handlers may run
/// concurrently and must be thread-safe.
/// </remarks>
public sealed class MapReduceOptions<TItem, TMapped, TOutput>
{
    /// <summary>The primary handler for one item, e.g. a call to a cheap model.</summary>
    /// <value>Required; the default value is null.</value>
    public Func<TItem, CancellationToken, Task<TMapped>>? Map { get; set; }

    /// <summary>
    /// The stronger handler, e.g. a bigger model: it runs once for an item after every attempt of <see cref="Map"/> failed,
    /// and the item's outcome records that it was escalated. Null means no escalation.
    /// </summary>
    /// <value>The default value is null.</value>
    public Func<TItem, CancellationToken, Task<TMapped>>? Escalate { get; set; }

    /// <summary>Combines the outcomes (every item's, failures included, in input order) into the output; a journaled step.</summary>
    /// <value>Required; the default value is null.</value>
    public Func<IReadOnlyList<ItemOutcome<TItem, TMapped>>, CancellationToken, Task<TOutput>>? Reduce { get; set; }

    /// <summary>At most this many items run at once.</summary>
    /// <value>The default value is 8.</value>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>The share of items that must succeed (escalated or not); below it the reduce does not run and <see cref="QuorumNotMetException"/> is thrown.</summary>
    /// <value>The default value is 1 (every item). A quorum of k of n items is k/n.</value>
    public double MinSuccessRatio { get; set; } = 1;

    /// <summary>Retries of <see cref="Map"/> for each item, before escalation.</summary>
    /// <value>The default value is null (one attempt).</value>
    public StepOptions? ItemRetry { get; set; }

    /// <summary>Retries of the reduce step.</summary>
    /// <value>The default value is null (one attempt).</value>
    public StepOptions? ReduceRetry { get; set; }

    /// <summary>Labels an item in the partial-failure report.</summary>
    /// <value>The default value is null (the item's <c>ToString()</c>).</value>
    public Func<TItem, string>? Describe { get; set; }

    internal void Validate(string name)
    {
        var problems = new List<string>();
        if (Map is null)
        {
            problems.Add("Map is not set; give the handler that processes one item.");
        }

        if (Reduce is null)
        {
            problems.Add("Reduce is not set; give the step that combines the item results.");
        }

        try
        {
            ToMapOptions().Validate(name);
        }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Map–reduce options for '{name}' are invalid: {string.Join(" ", problems)}");
        }

        ReduceRetry?.Validate(name + PatternSteps.ReduceSuffix);
    }

    internal MapOptions ToMapOptions() => new() { MaxConcurrency = MaxConcurrency, MinSuccessRatio = MinSuccessRatio, ItemOptions = ItemRetry };
}
