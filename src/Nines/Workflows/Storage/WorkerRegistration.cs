namespace Nines.Workflows.Storage;

/// <summary>A worker's heartbeat: who it is and which workflow versions it runs.</summary>
/// <param name="WorkerId">The worker's id.</param>
/// <param name="Registrations">The workflow versions it can execute.</param>
/// <param name="Now">The current time.</param>
public sealed record WorkerRegistration(string WorkerId, IReadOnlyCollection<WorkflowVersionKey> Registrations, DateTimeOffset Now);
