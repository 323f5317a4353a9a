namespace Nines.Workflows;

/// <summary>A payload cannot be journaled or read back: over the size limit, not serializable, or not deserializable into the current type.</summary>
/// <remarks>Nothing is written when this is thrown; the journal keeps what it had.</remarks>
public sealed class WorkflowPayloadException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowPayloadException(string message, Exception? innerException = null)
        : base(message, innerException ?? new InvalidOperationException(message))
    {
    }
}
