using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Nines.Evals;

namespace Nines.Tests.Evals;

public class EvalReportWriterTests
{
    [Fact]
    public async Task WriteAsync_Report_WritesTheThreeFilesIntoANewDirectory()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("nines-report-").FullName, "nested", "out");

        var files = await EvalReportWriter.WriteAsync(EvalReportFixture.Create(), directory);

        Assert.True(File.Exists(files.JsonPath));
        Assert.True(File.Exists(files.HtmlPath));
        Assert.True(File.Exists(files.JUnitPath));
        Assert.Equal(["junit.xml", "report.html", "report.json"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_Json_FollowsTheDocumentedSchema()
    {
        var files = await EvalReportWriter.WriteAsync(EvalReportFixture.Create(), Directory.CreateTempSubdirectory("nines-report-").FullName);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(files.JsonPath));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal("invoices", root.GetProperty("suite").GetProperty("name").GetString());
        Assert.Equal(42, root.GetProperty("suite").GetProperty("seed").GetInt64());
        Assert.Equal("one bare call", root.GetProperty("suite").GetProperty("configurations")[0].GetProperty("description").GetString());
        Assert.Equal("2026-11-26T12:00:00.0000000+00:00", root.GetProperty("started_at").GetString());
        Assert.False(root.GetProperty("interrupted").GetBoolean());

        var statistics = root.GetProperty("statistics");
        Assert.Equal(0.95, statistics.GetProperty("confidence").GetDouble());
        var hardened = statistics.GetProperty("configurations")[1];
        Assert.Equal("hardened", hardened.GetProperty("name").GetString());
        Assert.Equal(0.975, hardened.GetProperty("rate").GetDouble(), 12);
        Assert.Equal(10, hardened.GetProperty("pass_hat_k").EnumerateObject().Count());
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], hardened.GetProperty("pass_hat_k").EnumerateObject().Select(p => p.Name));
        // pass^10: three cases all pass, one has 9 of 10 → (3 + 0) / 4.
        Assert.Equal(0.75, hardened.GetProperty("pass_hat_k").GetProperty("10").GetDouble(), 12);
        Assert.Equal(4, hardened.GetProperty("cases").GetArrayLength());
        Assert.Equal("better", statistics.GetProperty("comparisons")[0].GetProperty("outcome").GetString());

        var gates = root.GetProperty("gates");
        Assert.True(gates[0].GetProperty("passed").GetBoolean());
        Assert.False(gates[1].GetProperty("passed").GetBoolean());

        var trials = root.GetProperty("trials");
        Assert.Equal(80, trials.GetArrayLength());
        Assert.Equal(["config", "case", "trial", "success", "score", "failure_category", "error", "latency_ms", "input_tokens", "output_tokens", "cost_usd", "metrics"],
            trials[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task WriteAsync_AllPassing_WritesInfiniteNinesAsNull()
    {
        var rows = EvalTrialRows.Uniform("perfect", 2, 5, 5);
        var report = new EvalReport("s", EvalStatistics.Compute(rows), rows);

        var files = await EvalReportWriter.WriteAsync(report, Directory.CreateTempSubdirectory("nines-report-").FullName);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(files.JsonPath));
        var configuration = json.RootElement.GetProperty("statistics").GetProperty("configurations")[0];
        Assert.Equal(JsonValueKind.Null, configuration.GetProperty("nines").ValueKind);
        Assert.Equal(JsonValueKind.Number, configuration.GetProperty("conservative_nines").ValueKind);
    }

    [Fact]
    public async Task WriteAsync_JUnit_HasAGatesSuiteAndASuitePerConfiguration()
    {
        var files = await EvalReportWriter.WriteAsync(EvalReportFixture.Create(), Directory.CreateTempSubdirectory("nines-report-").FullName);

        var xml = XDocument.Load(files.JUnitPath);
        var suites = xml.Root!.Elements("testsuite").ToList();
        Assert.Equal(["invoices.gates", "invoices.baseline", "invoices.hardened"], suites.Select(s => (string)s.Attribute("name")!));
        var gates = suites[0].Elements("testcase").ToList();
        Assert.Null(gates[0].Element("failure"));
        Assert.Equal("GateFailed", (string)gates[1].Element("failure")!.Attribute("type")!);

        // baseline: every case failed some trials; hardened: only case-2 (9 of 10).
        Assert.Equal("4", (string)suites[1].Attribute("failures")!);
        Assert.Equal("1", (string)suites[2].Attribute("failures")!);
        var flaky = suites[2].Elements("testcase").Single(t => t.Element("failure") is not null);
        Assert.Equal("case-2", (string)flaky.Attribute("name")!);
        Assert.Equal("Flaky", (string)flaky.Element("failure")!.Attribute("type")!);
        Assert.Equal((4 + 1 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (string)xml.Root.Attribute("failures")!);
    }

    [Fact]
    public async Task WriteAsync_ErrorWithControlCharacters_StillWritesWellFormedXml()
    {
        var rows = new List<EvalTrialResult> { new("x", "c", 0, false, FailureCategory: "Bad\u0001", Error: "nul \0 bell \a") };
        var report = new EvalReport("s", EvalStatistics.Compute(rows), rows);

        var files = await EvalReportWriter.WriteAsync(report, Directory.CreateTempSubdirectory("nines-report-").FullName);

        var failure = XDocument.Load(files.JUnitPath).Descendants("failure").Single();
        Assert.Contains("nul \uFFFD bell \uFFFD", failure.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Html_IsSelfContainedAndEncodesUserText()
    {
        var files = await EvalReportWriter.WriteAsync(EvalReportFixture.Create(), Directory.CreateTempSubdirectory("nines-report-").FullName);

        var html = await File.ReadAllTextAsync(files.HtmlPath);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        // The only http address is the SVG namespace, which browsers never fetch.
        Assert.All(Regex.Matches(html, @"https?://[^""\s]+").Select(m => m.Value), address => Assert.Equal("http://www.w3.org/2000/svg", address));
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;co", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart-rate\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart-passk\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart-taxonomy\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart-latency\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart-cost\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Interrupted_SaysSoInTheHtml()
    {
        var report = EvalReportFixture.Create() with { Interrupted = true };

        var files = await EvalReportWriter.WriteAsync(report, Directory.CreateTempSubdirectory("nines-report-").FullName);

        Assert.Contains("id=\"interrupted\"", await File.ReadAllTextAsync(files.HtmlPath), StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(await File.ReadAllTextAsync(files.JsonPath)).RootElement.GetProperty("interrupted").GetBoolean());
    }
}
