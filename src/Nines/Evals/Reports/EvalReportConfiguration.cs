namespace Nines.Evals;

/// <summary>A configuration as a report names and describes it.</summary>
/// <param name="Name">The configuration's name, such as <c>hardened</c>.</param>
/// <param name="Description">What the configuration does, shown in the report; empty for none.</param>
public sealed record EvalReportConfiguration(string Name, string Description = "");
