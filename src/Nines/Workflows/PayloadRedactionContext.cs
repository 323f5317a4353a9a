namespace Nines.Workflows;

/// <summary>Where a payload being redacted comes from.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="StepName">The step, or <c>input</c> / <c>output</c> for the run's own payloads.</param>
/// <param name="Kind">The kind of step, or null for the run's input and output.</param>
public readonly record struct PayloadRedactionContext(string RunId, string Workflow, string StepName, StepKind? Kind);
