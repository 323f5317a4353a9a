namespace Nines.Evals;

/// <summary>Writes an eval's three reports: report.json (machines), report.html (people) and junit.xml (CI).</summary>
/// <remarks>
/// Each file is written to a temporary name and moved into place, so a reader never sees half a report and an eval
/// interrupted while writing leaves the previous report intact. report.html needs nothing from the network.
/// </remarks>
public static class EvalReportWriter
{
    /// <summary>The name of the JSON report (schema in docs/evals.md).</summary>
    public const string JsonFileName = "report.json";

    /// <summary>The name of the HTML report.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>The name of the JUnit XML report.</summary>
    public const string JUnitFileName = "junit.xml";

    /// <summary>Writes report.json, report.html and junit.xml into <paramref name="directory"/>, creating it if needed and replacing older reports.</summary>
    /// <param name="report">What to report.</param>
    /// <param name="directory">The directory to write to.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    /// <returns>The paths of the three files.</returns>
    public static async Task<EvalReportFiles> WriteAsync(EvalReport report, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        Directory.CreateDirectory(full);

        var files = new EvalReportFiles(Path.Combine(full, JsonFileName), Path.Combine(full, HtmlFileName), Path.Combine(full, JUnitFileName));
        await WriteFileAsync(files.JsonPath, stream => EvalJson.Report(stream, report), cancellationToken).ConfigureAwait(false);
        var html = EvalHtmlReport.Render(report);
        await WriteFileAsync(files.HtmlPath, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(html)), cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(files.JUnitPath, stream => EvalJUnitReport.Write(stream, report), cancellationToken).ConfigureAwait(false);
        return files;
    }

    private static async Task WriteFileAsync(string path, Action<Stream> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var temporary = path + ".tmp";
        using (var buffer = new MemoryStream())
        {
            write(buffer);
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }
}
