using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Nines.Evals;

namespace Nines.Tests.Evals;

/// <summary>
/// Renders report.html in headless Chromium (Debian package <c>chromium</c>; .ci/run installs it) and checks the rendered
/// page. Skipped when no Chromium is found locally; in CI (CI=true) a missing Chromium fails the test instead.
/// </summary>
public class EvalHtmlReportChromiumTests
{
    [SkippableFact]
    public async Task Render_InHeadlessChromium_ShowsTheExpectedFigures()
    {
        var chromium = FindChromium();
        var report = EvalReportFixture.Create();
        var directory = Directory.CreateTempSubdirectory("nines-chromium-").FullName;
        var files = await EvalReportWriter.WriteAsync(report, directory);

        var dom = await RunChromiumAsync(chromium, directory, "--dump-dom", new Uri(files.HtmlPath).AbsoluteUri);

        // The figures of the fixture: baseline 30/40, hardened 39/40, Wilson intervals, nines, the verdict and the gates.
        var hardened = report.Summary.Configuration("hardened");
        Assert.Contains("id=\"suite-name\">invoices</span>", dom, StringComparison.Ordinal);
        Assert.Contains("data-field=\"rate\">75.00%</td>", dom, StringComparison.Ordinal);
        Assert.Contains("data-field=\"rate\">97.50%</td>", dom, StringComparison.Ordinal);
        Assert.Contains($"[{EvalReportFormat.Percent(hardened.Interval.Lower)}, {EvalReportFormat.Percent(hardened.Interval.Upper)}]", dom, StringComparison.Ordinal);
        Assert.Contains("data-field=\"nines\">1.60</td>", dom, StringComparison.Ordinal);
        Assert.Contains("hardened is better than baseline", dom, StringComparison.Ordinal);
        Assert.Contains("<code>hardened.nines &gt;= 3</code>", dom, StringComparison.Ordinal);
        Assert.Contains("1 of 2 failed", dom, StringComparison.Ordinal);
        // One grid cell per trial, red for the 11 failures.
        Assert.Equal(80, Regex.Matches(dom, "class=\"t [pf]\"").Count);
        Assert.Equal(11, Regex.Matches(dom, "class=\"t f\"").Count);
        // The hostile case id is text, not an element.
        Assert.Contains("&lt;script&gt;alert('x')&lt;/script&gt;&amp;co", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", dom, StringComparison.Ordinal);

        var screenshot = Path.Combine(directory, "report.png");
        await RunChromiumAsync(chromium, directory, $"--screenshot={screenshot}", "--window-size=1280,2000", new Uri(files.HtmlPath).AbsoluteUri);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.AsSpan(0, 8).SequenceEqual<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "the screenshot is not a PNG");
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(2000, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        // A blank 1280×2000 page compresses to a few kilobytes; charts, tables and the grid make it much larger.
        Assert.True(png.Length > 50_000, $"the screenshot is only {png.Length} bytes: the page looks blank");
    }

    private static string FindChromium()
    {
        string[] names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
        var configured = Environment.GetEnvironmentVariable("NINES_CHROMIUM");
        var found = !string.IsNullOrWhiteSpace(configured) && File.Exists(configured)
            ? configured
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
                .FirstOrDefault(File.Exists);
        if (found is null)
        {
            const string Message = "Chromium was not found (looked for chromium, chromium-browser, google-chrome on PATH and NINES_CHROMIUM); install it with 'apt-get install -y chromium'.";
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), Message);
            Skip.If(true, Message);
        }

        return found!;
    }

    private static async Task<string> RunChromiumAsync(string chromium, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A profile of its own, so parallel runs and a user's browser never share state; no sandbox because CI runs as root.
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={Path.Combine(directory, "profile")}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Chromium did not finish within 2 minutes: {await error}");
        }

        Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {await error}");
        return await output;
    }
}
