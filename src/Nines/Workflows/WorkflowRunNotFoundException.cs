namespace Nines.Workflows;

/// <summary>No run has the given id.</summary>
public sealed class WorkflowRunNotFoundException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunNotFoundException(string runId, string storeDescription)
        : base($"No run with id '{runId}' in {storeDescription}. List runs with 'nines runs list' to find its id.")
    {
        RunId = runId;
    }

    /// <summary>The id asked for.</summary>
    public string RunId { get; }
}
