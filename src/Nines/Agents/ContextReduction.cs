namespace Nines.Agents;

/// <summary>What the context budget took out of one model call's prompt, recorded on <see cref="AgentRunResult{T}.ContextReductions"/>.</summary>
/// <param name="ModelCall">The model call (1-based) whose prompt was reduced; 0 when the reducer was used outside a run.</param>
/// <param name="Budget">The token limit the prompt had to fit, <see cref="AgentRunOptions.MaxContextTokens"/>.</param>
/// <param name="TokensBefore">The estimated prompt tokens before reduction, instructions included.</param>
/// <param name="TokensAfter">The estimated prompt tokens after reduction, instructions included.</param>
/// <param name="ToolResultsTruncated">How many tool results were shortened to an excerpt (and kept as excerpts).</param>
/// <param name="ToolResultsDropped">How many tool results were replaced by a placeholder.</param>
/// <param name="MessagesDropped">How many whole messages were removed (old turns, each tool call removed with its results).</param>
/// <param name="CallIds">The call ids of the tool results that were shortened, dropped or removed, oldest first.</param>
/// <remarks>The run's transcript (<see cref="AgentRunResult{T}.Messages"/>) is never reduced: only the prompt sent to the model is.</remarks>
public sealed record ContextReduction(
    int ModelCall,
    int Budget,
    int TokensBefore,
    int TokensAfter,
    int ToolResultsTruncated,
    int ToolResultsDropped,
    int MessagesDropped,
    IReadOnlyList<string> CallIds)
{
    /// <summary>Gets a value indicating whether the reduced prompt fits <see cref="Budget"/>.</summary>
    public bool Fits => TokensAfter <= Budget;
}
