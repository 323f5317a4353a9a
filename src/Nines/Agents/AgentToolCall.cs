namespace Nines.Agents;

/// <summary>One tool call the model asked for during an agent run, and what came of it.</summary>
/// <param name="CallId">The call identifier the model gave.</param>
/// <param name="Name">The tool name the model asked for.</param>
/// <param name="Arguments">The arguments the model sent, as canonical JSON (object properties sorted).</param>
/// <param name="Result">The tool's return value when it succeeded; otherwise <see langword="null"/>.</param>
/// <param name="Error">Why the call failed (the error result the model was shown), or <see langword="null"/> when it succeeded.</param>
/// <param name="Duration">The time spent on the call, all attempts and retry delays included, on the run's <see cref="TimeProvider"/>.</param>
/// <param name="Attempts">The number of times the tool was invoked: 0 when it was never run (unknown tool, refused repeat).</param>
public sealed record AgentToolCall(
    string CallId,
    string Name,
    string Arguments,
    object? Result,
    string? Error,
    TimeSpan Duration,
    int Attempts)
{
    /// <summary>Gets a value indicating whether the tool ran and returned a result.</summary>
    public bool Succeeded => Error is null;
}
