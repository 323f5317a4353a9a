using Microsoft.Extensions.AI;

namespace Nines.Consensus;

/// <summary>Options for voting across independent samples (<c>VoteAsync&lt;T&gt;</c> and <c>UseConsensus</c>).</summary>
/// <remarks>
/// Every sample is a separate <see cref="IChatClient.GetResponseAsync"/> call. Options are validated once when the
/// middleware is built (or when <c>VoteAsync</c> starts); changing them afterwards does not affect a built client.
/// </remarks>
public sealed class ConsensusOptions
{
    /// <summary>Gets or sets how samples are turned into one answer.</summary>
    /// <value>The default value is <see cref="ConsensusMode.FirstToAheadByK"/>.</value>
    public ConsensusMode Mode { get; set; } = ConsensusMode.FirstToAheadByK;

    /// <summary>Gets or sets the lead, in votes, that the winner needs over every other answer (first-to-ahead-by-k).</summary>
    /// <value>The default value is 3. Must be at least 1.</value>
    public int K { get; set; } = ConsensusConstants.DefaultK;

    /// <summary>Gets or sets the number of valid votes to collect in <see cref="ConsensusMode.Majority"/> mode.</summary>
    /// <value>The default value is 5. Must be at least 1; odd numbers avoid two-way ties.</value>
    public int Samples { get; set; } = ConsensusConstants.DefaultSamples;

    /// <summary>Gets or sets the most samples to draw per call, red-flagged ones included, before escalating.</summary>
    /// <value>The default value is 20. Must be at least <see cref="K"/> (or <see cref="Samples"/> in majority mode).</value>
    public int MaxSamples { get; set; } = ConsensusConstants.DefaultMaxSamples;

    /// <summary>Gets or sets the most samples in flight at once.</summary>
    /// <value>The default value is 4. Must be at least 1; 1 samples strictly one after another.</value>
    public int MaxParallelism { get; set; } = ConsensusConstants.DefaultMaxParallelism;

    /// <summary>
    /// Gets or sets the output token cap: a longer reply is red-flagged (long answers correlate with confused ones). Uses the
    /// reported <see cref="UsageDetails.OutputTokenCount"/>, or the text length divided by 4 when the provider reported none.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no cap). Must be at least 1 when set.</value>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets a caller red flag: return a reason to discard the sample, or <see langword="null"/> to keep it.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<ChatResponse, string?>? RedFlag { get; set; }

    /// <summary>
    /// Gets or sets the answer key for the untyped middleware: replies with equal keys are the same answer. <c>VoteAsync&lt;T&gt;</c>
    /// uses its own key (normalised JSON of the typed value, or the caller's key function) instead.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: normalised JSON when the reply parses as JSON, otherwise the trimmed
    /// text with runs of whitespace collapsed.
    /// </value>
    public Func<ChatResponse, string>? ResponseKey { get; set; }

    /// <summary>
    /// Gets the additional models to vote across (N-version programming). Samples rotate over the client itself (model 0)
    /// and then these, in order.
    /// </summary>
    /// <value>The default value is an empty list (every sample from the client itself).</value>
    public IList<IChatClient> Models { get; } = [];

    /// <summary>
    /// Gets or sets the hook called when no answer reached the margin within <see cref="MaxSamples"/>, for example to ask
    /// a stronger model or a human. Return the response to use, or <see langword="null"/> to give up.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: a <see cref="NoConsensusException"/> is thrown.</value>
    public Func<EscalationContext, CancellationToken, ValueTask<ChatResponse?>>? Escalation { get; set; }

    internal ConsensusOptions Snapshot()
    {
        Validate();
        var copy = new ConsensusOptions
        {
            Mode = Mode,
            K = K,
            Samples = Samples,
            MaxSamples = MaxSamples,
            MaxParallelism = MaxParallelism,
            MaxOutputTokens = MaxOutputTokens,
            RedFlag = RedFlag,
            ResponseKey = ResponseKey,
            Escalation = Escalation,
        };
        foreach (var model in Models)
        {
            copy.Models.Add(model);
        }

        return copy;
    }

    internal void Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            problems.Add($"Mode {(int)Mode} is not a ConsensusMode.");
        }

        if (K < 1)
        {
            problems.Add($"K is {K}; the winner must lead by at least 1 vote.");
        }

        if (Samples < 1)
        {
            problems.Add($"Samples is {Samples}; majority voting needs at least 1 vote.");
        }

        if (MaxParallelism < 1)
        {
            problems.Add($"MaxParallelism is {MaxParallelism}; at least 1 sample must be allowed in flight.");
        }

        if (MaxOutputTokens is < 1)
        {
            problems.Add($"MaxOutputTokens is {MaxOutputTokens}; set it to at least 1, or null for no cap.");
        }

        var needed = Mode == ConsensusMode.Majority ? Samples : K;
        if (MaxSamples < needed)
        {
            problems.Add(Mode == ConsensusMode.Majority
                ? $"MaxSamples is {MaxSamples} but Samples is {Samples}; the budget must allow at least Samples draws."
                : $"MaxSamples is {MaxSamples} but K is {K}; no answer could get ahead by K, so raise MaxSamples to at least K.");
        }

        if (Models.Any(m => m is null))
        {
            problems.Add("Models contains null; remove it.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid ConsensusOptions: " + string.Join(" ", problems), "options");
        }
    }
}
