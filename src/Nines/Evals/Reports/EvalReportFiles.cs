namespace Nines.Evals;

/// <summary>The files <see cref="EvalReportWriter.WriteAsync"/> wrote.</summary>
/// <param name="JsonPath">The full path of report.json.</param>
/// <param name="HtmlPath">The full path of report.html.</param>
/// <param name="JUnitPath">The full path of junit.xml.</param>
public sealed record EvalReportFiles(string JsonPath, string HtmlPath, string JUnitPath);
