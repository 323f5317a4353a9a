namespace Nines.Workflows.Storage;

/// <summary>A workflow name and version that a worker can execute.</summary>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The version.</param>
public sealed record WorkflowVersionKey(string Workflow, int Version)
{
    /// <inheritdoc />
    public override string ToString() => $"{Workflow} v{Version}";
}
