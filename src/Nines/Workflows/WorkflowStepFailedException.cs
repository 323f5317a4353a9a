namespace Nines.Workflows;

/// <summary>A step, effect, child run or wait failed and the failure is journaled: replay throws the same exception again.</summary>
/// <remarks>Catch it in workflow code to compensate; the catch runs identically on replay.</remarks>
public class WorkflowStepFailedException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowStepFailedException(string stepName, string? errorType, string message, Exception? innerException = null)
        : base($"Step '{stepName}' failed: {(errorType is null ? string.Empty : errorType + ": ")}{message}", innerException ?? new InvalidOperationException(message))
    {
        StepName = stepName;
        ErrorType = errorType;
        ErrorMessage = message;
    }

    /// <summary>The step that failed.</summary>
    public string StepName { get; }

    /// <summary>The .NET type name of the original error, as journaled.</summary>
    public string? ErrorType { get; }

    /// <summary>The original error message, as journaled.</summary>
    public string ErrorMessage { get; }
}
