using Microsoft.Extensions.AI;

namespace Nines.Simulation;

/// <summary>
/// Knows the correct answer to the requests a simulated model receives, so the simulation can answer correctly
/// with a known probability and fail otherwise.
/// </summary>
/// <remarks>Implementations must be thread-safe: a simulated model may be called concurrently.</remarks>
public interface ISimulationOracle
{
    /// <summary>Finds the task that <paramref name="messages"/> ask for.</summary>
    /// <param name="messages">The request's messages, including any re-asks of a repair loop.</param>
    /// <param name="options">The request's options.</param>
    /// <returns>The task with its correct answer, or <see langword="null"/> when the oracle does not know this request
    /// (the simulation then gives a generic plain-text reply).</returns>
    SimulatedTask? Resolve(IReadOnlyList<ChatMessage> messages, ChatOptions? options);
}
