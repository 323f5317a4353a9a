using Microsoft.Extensions.AI;

namespace Nines.Simulation;

/// <summary>Attaches the correct answer of a request to its <see cref="ChatOptions"/>, for simulated models.</summary>
/// <remarks>
/// The values travel in <see cref="ChatOptions.AdditionalProperties"/> under <see cref="TaskKey"/> and
/// <see cref="OracleKey"/>. Real models ignore them; layers that clone options (such as a repair loop) keep them.
/// </remarks>
public static class SimulationChatOptionsExtensions
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that holds a <see cref="SimulatedTask"/>.</summary>
    public const string TaskKey = "nines.simulation.task";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that holds an <see cref="ISimulationOracle"/>.</summary>
    public const string OracleKey = "nines.simulation.oracle";

    /// <summary>Stores <paramref name="task"/> in <paramref name="options"/> so a simulated model answers it.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="task">The task with its correct answer.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static ChatOptions WithSimulatedTask(this ChatOptions options, SimulatedTask task)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(task);
        options.AdditionalProperties ??= [];
        options.AdditionalProperties[TaskKey] = task;
        return options;
    }

    /// <summary>Stores <paramref name="oracle"/> in <paramref name="options"/> so a simulated model asks it for the answer.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="oracle">The oracle.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static ChatOptions WithSimulationOracle(this ChatOptions options, ISimulationOracle oracle)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(oracle);
        options.AdditionalProperties ??= [];
        options.AdditionalProperties[OracleKey] = oracle;
        return options;
    }
}
