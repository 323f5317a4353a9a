namespace Nines.Workflows.Storage;

/// <summary>The answer to a heartbeat.</summary>
/// <param name="Held">False when the lease was lost (another worker claimed the run); the holder must stop.</param>
/// <param name="CancelRequested">True when someone asked to cancel the run.</param>
public readonly record struct LeaseRenewal(bool Held, bool CancelRequested);
