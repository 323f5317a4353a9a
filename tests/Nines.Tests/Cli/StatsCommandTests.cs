using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nines.Tests.Cli;

public class StatsCommandTests
{
    [Fact]
    public async Task Stats_Csv_PrintsTheTableAndTheVerdict()
    {
        var path = WriteCsv(Rows(("baseline", 0.7), ("hardened", 1.0)));

        var result = await CliTestRunner.RunAsync("stats", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("baseline", result.Out, StringComparison.Ordinal);
        Assert.Contains("70.00%", result.Out, StringComparison.Ordinal);
        Assert.Contains("100%", result.Out, StringComparison.Ordinal);
        Assert.Contains("inf", result.Out, StringComparison.Ordinal);
        Assert.Contains("hardened is better than baseline (p < 0.001)", result.Out, StringComparison.Ordinal);
        Assert.Contains("next nine for hardened", result.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task Stats_Json_PrintsPassHatKKeyedByK()
    {
        var path = WriteCsv(Rows(("baseline", 0.7), ("hardened", 1.0)));

        var result = await CliTestRunner.RunAsync("stats", path, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(1, json.RootElement.GetProperty("schema_version").GetInt32());
        var baseline = json.RootElement.GetProperty("configurations")[0];
        Assert.Equal(0.7, baseline.GetProperty("rate").GetDouble(), 12);
        var passHat = baseline.GetProperty("pass_hat_k");
        Assert.Equal(Enumerable.Range(1, 10).Select(k => k.ToString(CultureInfo.InvariantCulture)), passHat.EnumerateObject().Select(p => p.Name));
        // Every case has 7 of 10: pass^2 = C(7,2)/C(10,2) = 21/45.
        Assert.Equal(21.0 / 45, passHat.GetProperty("2").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("configurations")[1].GetProperty("nines").ValueKind);
        Assert.Equal("better", json.RootElement.GetProperty("comparisons")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Stats_FailedGate_ExitsWith3AndNamesIt()
    {
        var path = WriteCsv(Rows(("baseline", 0.7), ("hardened", 1.0)));

        var result = await CliTestRunner.RunAsync(
            "stats", path, "--require", "hardened > baseline", "--require", "hardened.conservative_nines >= 3", "--require", "hardened.pass^4 >= 0.99");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("PASS  hardened > baseline", result.Out, StringComparison.Ordinal);
        Assert.Contains("FAIL  hardened.conservative_nines >= 3", result.Out, StringComparison.Ordinal);
        Assert.Contains("gate failed: hardened.conservative_nines >= 3", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("gate failed: hardened > baseline", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("pass^4", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_AllGatesPass_ExitsWith0()
    {
        var path = WriteCsv(Rows(("baseline", 0.7), ("hardened", 1.0)));

        var result = await CliTestRunner.RunAsync("stats", path, "--require", "hardened.nines >= 3", "--require", "baseline.rate <= 0.7");

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Stats_BadGate_IsAUsageErrorShowingTheForms()
    {
        var path = WriteCsv(Rows(("baseline", 0.7)));

        var bad = await CliTestRunner.RunAsync("stats", path, "--require", "hardened.speed >= 3");
        var unknown = await CliTestRunner.RunAsync("stats", path, "--require", "hardened.nines >= 3");

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Accepted forms", bad.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("the results have baseline", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, unknown.Out);
    }

    [Fact]
    public async Task Stats_MalformedRows_ReportsEveryLineAndComputesNothing()
    {
        var path = WriteFile(
            "results.csv",
            "case,trial,success,latency_ms\n" +
            "a,0,true,12\n" +
            "a,1,maybe,12\n" +
            "b,0,false\n" +
            ",0,true,5\n" +
            "a,0,true,-3\n" +
            "c,x,1,1\n");

        var result = await CliTestRunner.RunAsync("stats", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("results.csv has 5 malformed rows", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 3: success 'maybe' is not true/false", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 4: has 3 fields but the header has 4", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 5: case is missing", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 6: latency_ms '-3' is not a non-negative number", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 7: trial 'x' is not a whole number", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_DuplicateTrial_NamesBothLines()
    {
        var path = WriteFile("dup.csv", "case,trial,success\na,0,1\na,0,0\n");

        var result = await CliTestRunner.RunAsync("stats", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 3: config 'default', case 'a', trial 0 repeats line 2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_ManyMalformedRows_CapsTheListAndCountsTheRest()
    {
        var text = new StringBuilder("case,success\n");
        for (var i = 0; i < 30; i++)
        {
            text.Append("c").Append(i).Append(",nope\n");
        }

        var result = await CliTestRunner.RunAsync("stats", WriteFile("many.csv", text.ToString()));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has 30 malformed rows", result.Error, StringComparison.Ordinal);
        Assert.Contains("and 10 more", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("line 22:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_Jsonl_ReadsRowsAndNumbersTrialsWithoutATrialColumn()
    {
        var path = WriteFile(
            "results.jsonl",
            """
            {"config":"a","case":"x","success":true,"latency_ms":10,"cost_usd":0.5}
            {"config":"a","case":"x","success":"fail","error":"timeout","latency_ms":30}

            {"config":"a","case":"x","success":1,"latency_ms":20}
            """);

        var result = await CliTestRunner.RunAsync("stats", path, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var a = json.RootElement.GetProperty("configurations")[0];
        Assert.Equal(3, a.GetProperty("trials").GetInt32());
        Assert.Equal(2, a.GetProperty("successes").GetInt32());
        Assert.Equal(20, a.GetProperty("latency_ms").GetProperty("p50").GetDouble());
        Assert.Equal("timeout", a.GetProperty("failure_categories")[0].GetProperty("category").GetString());
        Assert.Equal(0.5, a.GetProperty("cost_usd").GetDouble());
    }

    [Fact]
    public async Task Stats_JsonlWithBadLines_ReportsTheirLineNumbers()
    {
        var path = WriteFile("bad.jsonl", "{\"case\":\"x\",\"success\":true}\n{not json\n[1,2]\n{\"case\":\"x\"}\n");

        var result = await CliTestRunner.RunAsync("stats", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 2: is not valid JSON", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 3: is not a JSON object", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 4: success is missing", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_Out_WritesReportsThatStatsReadsBack()
    {
        var path = WriteCsv(Rows(("baseline", 0.7), ("hardened", 0.9)));
        var directory = Directory.CreateTempSubdirectory("nines-stats-out-").FullName;

        var first = await CliTestRunner.RunAsync("stats", path, "--out", directory, "--json");
        var again = await CliTestRunner.RunAsync("stats", Path.Combine(directory, "report.json"), "--json");

        Assert.Equal(0, first.ExitCode);
        Assert.True(File.Exists(Path.Combine(directory, "report.html")));
        Assert.True(File.Exists(Path.Combine(directory, "junit.xml")));
        Assert.Contains("reports: ", first.Error, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(first.Out, again.Out);
    }

    [Fact]
    public async Task Stats_MissingOrEmptyFile_IsAUsageError()
    {
        var missing = await CliTestRunner.RunAsync("stats", Path.Combine(Path.GetTempPath(), "no-such-results.csv"));
        var empty = await CliTestRunner.RunAsync("stats", WriteFile("empty.csv", "case,success\n"));
        var noHeader = await CliTestRunner.RunAsync("stats", WriteFile("nohead.csv", "a,1,true\n"));

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("no trial rows", empty.Error, StringComparison.Ordinal);
        Assert.Equal(2, noHeader.ExitCode);
        Assert.Contains("the header has no case or success column", noHeader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_QuotedCsvFields_KeepCommasAndQuotes()
    {
        var path = WriteFile("quoted.csv", "case,success,error\n\"a,1\",fail,\"said \"\"no\"\", twice\"\nb,pass,\n");

        var result = await CliTestRunner.RunAsync("stats", path, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var configuration = json.RootElement.GetProperty("configurations")[0];
        Assert.Equal("default", configuration.GetProperty("name").GetString());
        Assert.Equal("a,1", configuration.GetProperty("cases")[0].GetProperty("case").GetString());
        Assert.Equal("said \"no\", twice", configuration.GetProperty("failure_categories")[0].GetProperty("category").GetString());
    }

    private static List<string> Rows(params (string Config, double Rate)[] configurations)
    {
        var lines = new List<string>();
        foreach (var (config, rate) in configurations)
        {
            for (var c = 0; c < 10; c++)
            {
                for (var t = 0; t < 10; t++)
                {
                    var passed = t < rate * 10;
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{config},case-{c},{t},{(passed ? "pass" : "fail")},{100 + t},0.002,{(passed ? string.Empty : "wrong answer")}"));
                }
            }
        }

        return lines;
    }

    private static string WriteCsv(IEnumerable<string> rows) =>
        WriteFile("results.csv", "config,case,trial,success,latency_ms,cost_usd,error\n" + string.Join('\n', rows) + "\n");

    private static string WriteFile(string name, string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("nines-stats-").FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
