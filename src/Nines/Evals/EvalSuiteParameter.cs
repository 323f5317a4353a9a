namespace Nines.Evals;

/// <summary>A knob a suite exposes on the command line, for example <c>--disks 20</c> for <c>hanoi</c>.</summary>
/// <param name="Name">The option's name without dashes, lower-case with '-' between words (<c>per-step-error</c>).</param>
/// <param name="Description">One line for <c>--help</c>.</param>
/// <param name="DefaultValue">The value used when the option is not given, as it would be typed.</param>
public sealed record EvalSuiteParameter(string Name, string Description, string DefaultValue);
