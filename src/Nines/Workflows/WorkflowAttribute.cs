namespace Nines.Workflows;

/// <summary>Names a workflow class and its version: <c>[Workflow("approve-invoice", Version = 2)]</c>.</summary>
/// <remarks>
/// Runs keep the version they started with. Change the version when a change to the code would alter the order,
/// names or kinds of context calls of runs already in flight, and keep the old class registered until they finish.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The workflow name stored with every run.</param>
    public WorkflowAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The workflow name.</summary>
    public string Name { get; }

    /// <summary>The version.</summary>
    /// <value>The default value is 1.</value>
    public int Version { get; set; } = 1;
}
