namespace Nines.Workflows;

/// <summary>The store cannot be used: a corrupt or foreign database, a schema from a newer Nines, an unreachable server.</summary>
/// <remarks>Raised before anything is written: a store never overwrites data it does not understand.</remarks>
public sealed class WorkflowStoreException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowStoreException(string message) : base(message) { }

    /// <summary>Creates the exception with a cause.</summary>
    public WorkflowStoreException(string message, Exception innerException) : base(message, innerException) { }
}
