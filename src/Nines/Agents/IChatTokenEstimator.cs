using Microsoft.Extensions.AI;

namespace Nines.Agents;

/// <summary>Estimates how many tokens a chat message costs in a prompt, for <see cref="AgentRunOptions.MaxContextTokens"/>.</summary>
/// <remarks>
/// Plug in a real tokenizer (for example Microsoft.ML.Tokenizers' Tiktoken) when one is available; the default,
/// <see cref="CharacterTokenEstimator"/>, needs none. Implementations must be thread-safe and deterministic: the same
/// message must always give the same count, so a run's reductions can be reproduced.
/// </remarks>
public interface IChatTokenEstimator
{
    /// <summary>Estimates the tokens of <paramref name="message"/>: its text, tool calls and tool results.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The estimate, at least 0.</returns>
    int EstimateTokens(ChatMessage message);
}
