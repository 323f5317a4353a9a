namespace Nines.Workflows;

/// <summary>
/// A durable workflow: an ordinary async method whose every side effect goes through the <see cref="WorkflowContext"/>,
/// so a run that dies halfway resumes where it stopped without repeating a completed step.
/// </summary>
/// <typeparam name="TInput">The input, serialized to JSON when the run starts.</typeparam>
/// <typeparam name="TOutput">The result, serialized to JSON when the run completes.</typeparam>
/// <remarks>
/// The method is re-run from the top on recovery: completed context calls return their journaled results, so
/// code between context calls must be deterministic. Read time, randomness and ids from the context
/// (<see cref="WorkflowContext.UtcNow"/>, <see cref="WorkflowContext.Random"/>, <see cref="WorkflowContext.NewGuid"/>).
/// </remarks>
public interface IWorkflow<in TInput, TOutput>
{
    /// <summary>Runs (or replays) the workflow.</summary>
    Task<TOutput> RunAsync(WorkflowContext context, TInput input);
}
