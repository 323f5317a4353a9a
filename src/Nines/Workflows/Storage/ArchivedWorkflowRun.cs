namespace Nines.Workflows.Storage;

/// <summary>A finished run with its journal and signals, handed to an archive before it is pruned.</summary>
/// <param name="Run">The run.</param>
/// <param name="Steps">Its journal.</param>
/// <param name="Signals">Its signals.</param>
public sealed record ArchivedWorkflowRun(WorkflowRun Run, IReadOnlyList<WorkflowStep> Steps, IReadOnlyList<WorkflowSignal> Signals);
