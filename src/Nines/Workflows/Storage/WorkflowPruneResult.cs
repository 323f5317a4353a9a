namespace Nines.Workflows.Storage;

/// <summary>What a prune removed.</summary>
/// <param name="RunsDeleted">Runs deleted (their steps and signals with them).</param>
/// <param name="RunsArchived">Runs handed to the archive callback before deletion.</param>
public readonly record struct WorkflowPruneResult(int RunsDeleted, int RunsArchived);
