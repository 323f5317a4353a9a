namespace Nines.Workflows;

/// <summary>How a run is started.</summary>
public sealed class StartWorkflowOptions
{
    /// <summary>
    /// The run id. Starting twice with the same id returns the first run instead of starting another, so a caller
    /// that retries a start (after a timeout, a crash) never runs the workflow twice.
    /// </summary>
    /// <value>The default value is null (a new GUID).</value>
    public string? RunId { get; set; }

    /// <summary>The version to start; the highest registered version by default.</summary>
    /// <value>The default value is null.</value>
    public int? Version { get; set; }
}
