namespace Nines.Workflows;

/// <summary>
/// On replay the workflow code made a different context call than the journal holds at the same position: the code
/// changed while the run was in flight. The run stops (fails) instead of guessing.
/// </summary>
public sealed class WorkflowNondeterminismException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowNondeterminismException(string runId, string workflow, int version, int position, string? journaledName, StepKind? journaledKind, string currentName, StepKind? currentKind)
        : base(Describe(runId, workflow, version, position, journaledName, journaledKind, currentName, currentKind))
    {
        RunId = runId;
        Position = position;
        JournaledStep = journaledName;
        CurrentStep = currentName;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The journal position where code and journal disagree.</summary>
    public int Position { get; }

    /// <summary>The step name in the journal, or null when the journal has nothing there.</summary>
    public string? JournaledStep { get; }

    /// <summary>The step name the code calls now, or "(end of workflow)" when the code finished early.</summary>
    public string CurrentStep { get; }

    private static string Describe(string runId, string workflow, int version, int position, string? journaledName, StepKind? journaledKind, string currentName, StepKind? currentKind)
    {
        var journaled = journaledName is null ? "nothing" : $"'{journaledName}' ({journaledKind})";
        var current = currentKind is null ? currentName : $"'{currentName}' ({currentKind})";
        return $"Step {position} of run {runId} was {journaled} in the journal but the code now calls {current} — "
            + $"the workflow '{workflow}' changed while the run was in flight. Register the code of version {version} "
            + "under that version (and give the changed code a new Version), or cancel the run.";
    }
}
