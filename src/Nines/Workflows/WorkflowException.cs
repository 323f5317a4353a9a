namespace Nines.Workflows;

/// <summary>The base of every error the workflow engine and its stores raise.</summary>
public class WorkflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowException() { }

    /// <summary>Creates the exception with a message.</summary>
    public WorkflowException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowException(string message, Exception innerException) : base(message, innerException) { }
}
