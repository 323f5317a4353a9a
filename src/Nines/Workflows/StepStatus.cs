namespace Nines.Workflows;

/// <summary>The state of one journal entry.</summary>
public enum StepStatus
{
    /// <summary>Begun but not finished: an effect's recorded intent, a timer or wait that has not fired.</summary>
    Started,

    /// <summary>Finished with a result; replay returns it without executing the step again.</summary>
    Completed,

    /// <summary>Finished with an error; replay throws it again without executing the step.</summary>
    Failed,
}
