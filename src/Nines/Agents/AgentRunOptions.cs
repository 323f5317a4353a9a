using Microsoft.Extensions.AI;
using Nines.Evals;

namespace Nines.Agents;

/// <summary>The guards of an <see cref="AgentRunner"/>: how long, how expensive and how repetitive a run may be, and how tools are run.</summary>
/// <remarks>
/// The runner copies and validates the options once, when it is constructed; later changes to this instance do not
/// affect it. Every problem found is reported in one <see cref="ArgumentException"/>.
/// </remarks>
public sealed class AgentRunOptions
{
    /// <summary>Gets or sets the most model calls in one run, contract re-asks included.</summary>
    /// <value>The default value is 10. Must be at least 1.</value>
    public int MaxIterations { get; set; } = AgentConstants.DefaultMaxIterations;

    /// <summary>Gets or sets the most tokens (input plus output, summed over every model call) one run may use.</summary>
    /// <value>The default value is <see langword="null"/>: no token budget. Must be at least 1 when set.</value>
    /// <remarks>
    /// The budget is checked after each model call, since the size of a reply is known only once it arrives. A run over
    /// budget does no more work (no tool runs, no further calls); a valid final answer on the call that crossed the line
    /// is still returned as <see cref="AgentStopReason.Completed"/>, because the tokens are already spent.
    /// </remarks>
    public long? MaxTotalTokens { get; set; }

    /// <summary>Gets or sets the most one run may cost, in US dollars, priced with <see cref="Prices"/> or <see cref="DefaultPrice"/>.</summary>
    /// <value>The default value is <see langword="null"/>: no cost budget. Must be greater than 0 when set, and needs a price.</value>
    /// <remarks>Checked after each model call, like <see cref="MaxTotalTokens"/>.</remarks>
    public decimal? MaxCost { get; set; }

    /// <summary>Gets the price per model, keyed by the model id a response reports (or <see cref="Microsoft.Extensions.AI.ChatOptions.ModelId"/>).</summary>
    /// <value>The default value is an empty dictionary (ordinal keys).</value>
    public IDictionary<string, ModelPrice> Prices { get; } = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);

    /// <summary>Gets or sets the price used for a model that is not in <see cref="Prices"/>.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: with <see cref="MaxCost"/> set, a response from an unpriced model
    /// fails the run with <see cref="InvalidOperationException"/> rather than be counted as free.
    /// </value>
    public ModelPrice? DefaultPrice { get; set; }

    /// <summary>Gets or sets the most tokens one model call's prompt may hold: the context budget.</summary>
    /// <value>The default value is <see langword="null"/>: no context budget. Must be at least 1 when set.</value>
    /// <remarks>
    /// <para>Checked before every model call with <see cref="TokenEstimator"/> over the messages plus
    /// <see cref="ChatOptions.Instructions"/> (tool definitions are not counted; leave headroom for them). Over budget, the
    /// prompt is reduced with <see cref="ContextReducer"/>, or by default a <see cref="ContextBudgetReducer"/> using
    /// <see cref="ContextReduction"/>: it keeps the system messages, the task (first user message) and the latest turn, and
    /// drops or shortens old tool output first. Each reduction is recorded in <see cref="AgentRunResult{T}.ContextReductions"/>;
    /// the transcript itself is never reduced.</para>
    /// <para>When even the kept minimum is over budget, the call is not made and the run stops with
    /// <see cref="AgentStopReason.ContextBudgetExceeded"/>.</para>
    /// </remarks>
    public int? MaxContextTokens { get; set; }

    /// <summary>Gets or sets what the built-in reducer does first to old tool output when a prompt is over <see cref="MaxContextTokens"/>.</summary>
    /// <value>The default value is <see cref="ContextReductionStrategy.DropOldToolResults"/>.</value>
    public ContextReductionStrategy ContextReduction { get; set; } = ContextReductionStrategy.DropOldToolResults;

    /// <summary>Gets or sets how many tokens of an old tool result <see cref="ContextReductionStrategy.TruncateOldToolResults"/> keeps.</summary>
    /// <value>The default value is 200. Must be at least 1.</value>
    public int ContextExcerptTokens { get; set; } = AgentConstants.DefaultContextExcerptTokens;

    /// <summary>Gets or sets how prompt tokens are counted for <see cref="MaxContextTokens"/>.</summary>
    /// <value>The default value is <see cref="CharacterTokenEstimator.Default"/> (characters / 4, rounded up per message).</value>
    public IChatTokenEstimator TokenEstimator { get; set; } = CharacterTokenEstimator.Default;

#pragma warning disable MEAI001 // IChatReducer is experimental in Microsoft.Extensions.AI; a caller who sets this opts in to it.

    /// <summary>Gets or sets a reducer to use instead of the built-in one when a prompt is over <see cref="MaxContextTokens"/>.</summary>
    /// <value>The default value is <see langword="null"/>: a <see cref="ContextBudgetReducer"/> configured from these options.</value>
    /// <remarks>
    /// Any <see cref="IChatReducer"/> fits, such as Microsoft.Extensions.AI's <c>MessageCountingChatReducer</c> or
    /// <c>SummarizingChatReducer</c>; the runner measures its output with <see cref="TokenEstimator"/> and stops with
    /// <see cref="AgentStopReason.ContextBudgetExceeded"/> when it is still over budget. Those reducers count messages, not
    /// tokens: <c>MessageCountingChatReducer</c> (10.11) leaves out every tool call and result, the latest one included, and
    /// keeps only the last few other messages, so the task can go too. The built-in reducer keeps the task and the latest turn.
    /// </remarks>
    public IChatReducer? ContextReducer { get; set; }
#pragma warning restore MEAI001

    /// <summary>Gets or sets how many times the same tool may be called with the same arguments (compared as canonical JSON) in one run.</summary>
    /// <value>The default value is 3. Must be at least 1.</value>
    /// <remarks>
    /// The next identical call is not run and the run stops with <see cref="AgentStopReason.RepeatedToolCall"/>. Stopping,
    /// rather than returning an error to the model, is deliberate: a model that has already repeated a call this often
    /// has stopped making progress, and every further round trip costs a model call.
    /// </remarks>
    public int MaxIdenticalToolCalls { get; set; } = AgentConstants.DefaultMaxIdenticalToolCalls;

    /// <summary>Gets or sets how long one attempt of a tool call may take before it is abandoned.</summary>
    /// <value>The default value is 30 seconds. Must be positive, or <see cref="Timeout.InfiniteTimeSpan"/> for no timeout.</value>
    public TimeSpan ToolTimeout { get; set; } = AgentConstants.DefaultToolTimeout;

    /// <summary>Gets the per-tool timeouts that override <see cref="ToolTimeout"/>, keyed by tool name.</summary>
    /// <value>The default value is an empty dictionary (ordinal keys).</value>
    public IDictionary<string, TimeSpan> ToolTimeouts { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many times a tool call is attempted when it throws or times out.</summary>
    /// <value>The default value is 1 (no retry), because tools may change state and are not known to be idempotent.</value>
    public int ToolMaxAttempts { get; set; } = AgentConstants.DefaultToolMaxAttempts;

    /// <summary>Gets the per-tool attempt counts that override <see cref="ToolMaxAttempts"/>, keyed by tool name.</summary>
    /// <value>The default value is an empty dictionary (ordinal keys).</value>
    public IDictionary<string, int> ToolMaxAttemptsPerTool { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets or sets the wait between attempts of a failed tool call.</summary>
    /// <value>The default value is 1 second. Must not be negative.</value>
    public TimeSpan ToolRetryDelay { get; set; } = AgentConstants.DefaultToolRetryDelay;

    /// <summary>Gets or sets a value indicating whether the model is shown a tool exception's message.</summary>
    /// <value>The default value is <see langword="false"/>: the model sees the exception type only.</value>
    /// <remarks>Exception messages can carry paths, connection strings or user data; turn this on only for trusted tools.</remarks>
    public bool IncludeExceptionMessages { get; set; }

    /// <summary>Gets or sets the clock used for tool timeouts, retry delays and durations.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal TimeSpan TimeoutFor(string tool) => ToolTimeouts.TryGetValue(tool, out var timeout) ? timeout : ToolTimeout;

    internal int AttemptsFor(string tool) => ToolMaxAttemptsPerTool.TryGetValue(tool, out var attempts) ? attempts : ToolMaxAttempts;

    internal AgentRunOptions Snapshot()
    {
        Validate();
        var copy = new AgentRunOptions
        {
            MaxIterations = MaxIterations,
            MaxTotalTokens = MaxTotalTokens,
            MaxCost = MaxCost,
            DefaultPrice = DefaultPrice,
            MaxIdenticalToolCalls = MaxIdenticalToolCalls,
            ToolTimeout = ToolTimeout,
            ToolMaxAttempts = ToolMaxAttempts,
            ToolRetryDelay = ToolRetryDelay,
            IncludeExceptionMessages = IncludeExceptionMessages,
            MaxContextTokens = MaxContextTokens,
            ContextReduction = ContextReduction,
            ContextExcerptTokens = ContextExcerptTokens,
            TokenEstimator = TokenEstimator,
            ContextReducer = ContextReducer,
            TimeProvider = TimeProvider,
        };
        foreach (var (model, price) in Prices)
        {
            copy.Prices[model] = price;
        }

        foreach (var (tool, timeout) in ToolTimeouts)
        {
            copy.ToolTimeouts[tool] = timeout;
        }

        foreach (var (tool, attempts) in ToolMaxAttemptsPerTool)
        {
            copy.ToolMaxAttemptsPerTool[tool] = attempts;
        }

        return copy;
    }

    internal void Validate()
    {
        var problems = new List<string>();
        if (MaxIterations < 1)
        {
            problems.Add($"MaxIterations is {MaxIterations}; a run needs at least 1 model call.");
        }

        if (MaxTotalTokens is < 1)
        {
            problems.Add($"MaxTotalTokens is {MaxTotalTokens}; set it to at least 1, or null for no token budget.");
        }

        if (MaxCost is { } cost && cost <= 0)
        {
            problems.Add($"MaxCost is {cost}; set it above 0, or null for no cost budget.");
        }

        if (MaxCost is not null && Prices.Count == 0 && DefaultPrice is null)
        {
            problems.Add("MaxCost is set but no price is known; add the model to Prices or set DefaultPrice.");
        }

        if (MaxContextTokens is < 1)
        {
            problems.Add($"MaxContextTokens is {MaxContextTokens}; set it to at least 1, or null for no context budget.");
        }

        if (!Enum.IsDefined(ContextReduction))
        {
            problems.Add($"ContextReduction is {ContextReduction}; use DropOldToolResults or TruncateOldToolResults.");
        }

        if (ContextExcerptTokens < 1)
        {
            problems.Add($"ContextExcerptTokens is {ContextExcerptTokens}; keep at least 1 token of a shortened tool result.");
        }

        if (TokenEstimator is null)
        {
            problems.Add("TokenEstimator is null; use CharacterTokenEstimator.Default or plug in a tokenizer.");
        }

        if (ContextReducer is not null && MaxContextTokens is null)
        {
            problems.Add("ContextReducer is set but MaxContextTokens is null; set the budget the reducer should enforce.");
        }

        if (MaxIdenticalToolCalls < 1)
        {
            problems.Add($"MaxIdenticalToolCalls is {MaxIdenticalToolCalls}; allow at least 1 call.");
        }

        if (!IsValidTimeout(ToolTimeout))
        {
            problems.Add($"ToolTimeout is {ToolTimeout}; it must be positive, or Timeout.InfiniteTimeSpan.");
        }

        foreach (var (tool, timeout) in ToolTimeouts)
        {
            if (!IsValidTimeout(timeout))
            {
                problems.Add($"ToolTimeouts['{tool}'] is {timeout}; it must be positive, or Timeout.InfiniteTimeSpan.");
            }
        }

        if (ToolMaxAttempts < 1)
        {
            problems.Add($"ToolMaxAttempts is {ToolMaxAttempts}; a tool call needs at least 1 attempt.");
        }

        foreach (var (tool, attempts) in ToolMaxAttemptsPerTool)
        {
            if (attempts < 1)
            {
                problems.Add($"ToolMaxAttemptsPerTool['{tool}'] is {attempts}; a tool call needs at least 1 attempt.");
            }
        }

        if (ToolRetryDelay < TimeSpan.Zero)
        {
            problems.Add($"ToolRetryDelay is {ToolRetryDelay}; it must not be negative.");
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider is null; use TimeProvider.System or inject one.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid AgentRunOptions: " + string.Join(" ", problems), "options");
        }
    }

    private static bool IsValidTimeout(TimeSpan timeout) => timeout > TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan;
}
