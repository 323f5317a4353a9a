namespace Nines.Simulation;

/// <summary>A request with a known correct answer, as resolved by an <see cref="ISimulationOracle"/>.</summary>
public sealed class SimulatedTask
{
    /// <summary>Creates a task.</summary>
    /// <param name="correctAnswer">The text a correct model would reply, usually JSON.</param>
    /// <param name="wrongAnswer">Makes a plausible, well-formed but wrong answer; when <see langword="null"/>, the simulation
    /// changes one leaf value of <paramref name="correctAnswer"/>.</param>
    public SimulatedTask(string correctAnswer, Func<Random, string>? wrongAnswer = null)
    {
        ArgumentNullException.ThrowIfNull(correctAnswer);
        CorrectAnswer = correctAnswer;
        WrongAnswer = wrongAnswer;
    }

    /// <summary>Gets the text a correct model would reply, usually JSON.</summary>
    public string CorrectAnswer { get; }

    /// <summary>
    /// Gets the function that makes a plausible, well-formed but wrong answer from the call's random source, or
    /// <see langword="null"/> to let the simulation change one leaf value (number, string or boolean) of the correct JSON.
    /// </summary>
    /// <remarks>It must return an answer different from <see cref="CorrectAnswer"/>; the simulation does not check.</remarks>
    public Func<Random, string>? WrongAnswer { get; }
}
