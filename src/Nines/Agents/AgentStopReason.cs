namespace Nines.Agents;

/// <summary>Why an agent run stopped. Every run ends with exactly one of these.</summary>
public enum AgentStopReason
{
    /// <summary>The model gave a final answer that satisfied the contract.</summary>
    Completed,

    /// <summary>The run used <see cref="AgentRunOptions.MaxIterations"/> model calls without a valid final answer.</summary>
    MaxIterations,

    /// <summary>The tokens used by the run passed <see cref="AgentRunOptions.MaxTotalTokens"/>.</summary>
    TokenBudgetExceeded,

    /// <summary>The cost of the run passed <see cref="AgentRunOptions.MaxCost"/>.</summary>
    CostBudgetExceeded,

    /// <summary>The model asked for the same tool with the same arguments more than <see cref="AgentRunOptions.MaxIdenticalToolCalls"/> times.</summary>
    RepeatedToolCall,

    /// <summary>The final answer failed the contract in every one of <see cref="Contracts.Contract{T}.MaxAttempts"/> attempts.</summary>
    ContractViolation,

    /// <summary>
    /// The next model call's prompt did not fit <see cref="AgentRunOptions.MaxContextTokens"/> even after reduction (the
    /// instructions, the task and the latest turn alone are over budget); the call was not made.
    /// </summary>
    ContextBudgetExceeded,

    /// <summary>The caller's cancellation token was cancelled.</summary>
    Cancelled,

    /// <summary>
    /// The model called tools wrapped in <see cref="Microsoft.Extensions.AI.ApprovalRequiredAIFunction"/>. The result's
    /// messages end with <see cref="Microsoft.Extensions.AI.ToolApprovalRequestContent"/>s; add the host's
    /// <c>CreateResponse(approved, reason)</c> answers and run again to continue.
    /// </summary>
    ApprovalRequired,
}
