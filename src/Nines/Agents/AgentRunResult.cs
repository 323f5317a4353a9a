using Microsoft.Extensions.AI;
using Nines.Contracts;

namespace Nines.Agents;

/// <summary>How an agent run ended: why it stopped, the typed answer when it completed, and everything it did.</summary>
/// <typeparam name="T">The type of the final answer.</typeparam>
public sealed class AgentRunResult<T>
{
    internal AgentRunResult(
        AgentStopReason stopReason,
        string detail,
        T? value,
        IReadOnlyList<ChatMessage> messages,
        IReadOnlyList<AgentToolCall> toolCalls,
        IReadOnlyList<ContractAttempt> contractAttempts,
        UsageDetails usage,
        decimal? cost,
        int iterations,
        IReadOnlyList<ContextReduction>? contextReductions = null)
    {
        StopReason = stopReason;
        Detail = detail;
        Value = value;
        Messages = messages;
        ToolCalls = toolCalls;
        ContractAttempts = contractAttempts;
        Usage = usage;
        Cost = cost;
        Iterations = iterations;
        ContextReductions = contextReductions ?? [];
    }

    /// <summary>Gets why the run stopped.</summary>
    public AgentStopReason StopReason { get; }

    /// <summary>Gets a sentence explaining the stop, naming the limit or the call that caused it.</summary>
    public string Detail { get; }

    /// <summary>Gets a value indicating whether the run completed with a valid answer in <see cref="Value"/>.</summary>
    public bool IsCompleted => StopReason == AgentStopReason.Completed;

    /// <summary>Gets the validated final answer when <see cref="IsCompleted"/>; otherwise the default.</summary>
    public T? Value { get; }

    /// <summary>Gets the transcript: the caller's messages followed by every reply, tool result and re-ask of the run.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets every tool call the model asked for, in order, with its outcome.</summary>
    public IReadOnlyList<AgentToolCall> ToolCalls { get; }

    /// <summary>Gets each final answer the model gave and the contract's verdict on it.</summary>
    public IReadOnlyList<ContractAttempt> ContractAttempts { get; }

    /// <summary>Gets the usage summed over every model call of the run.</summary>
    public UsageDetails Usage { get; }

    /// <summary>Gets the cost of the run in US dollars, or <see langword="null"/> when no price was configured.</summary>
    public decimal? Cost { get; }

    /// <summary>Gets the number of model calls made.</summary>
    public int Iterations { get; }

    /// <summary>Gets what the context budget took out of each model call's prompt, for the calls that had to be reduced.</summary>
    /// <remarks>Empty without <see cref="AgentRunOptions.MaxContextTokens"/> or when every prompt fitted.</remarks>
    public IReadOnlyList<ContextReduction> ContextReductions { get; }
}
