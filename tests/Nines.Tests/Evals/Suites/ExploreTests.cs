using System.Globalization;
using Nines.Evals;
using Nines.Evals.Suites.Triage;
using Xunit.Abstractions;

namespace Nines.Tests.Evals.Suites;

public class ExploreTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("3")]
    [InlineData("4")]
    public async Task ExploreTriage(string k)
    {
        output.WriteLine(TriageSuite.CreateRoutingContract().Schema.ToString());
        output.WriteLine(TriageSuite.CreateRoutingContract().Check("{\"category\":\"Billing\",\"priority\":\"High\",\"team\":\"Finance\",\"actions\":[]}").Category.ToString());
        output.WriteLine(TriageSuite.CreateRoutingContract().Check("{\"category\":\"Billing\",\"priority\":\"High\",\"team\":\"SecurityOps\"}").Category.ToString());
        var suite = SuiteTrials.Create("triage", ("k", k));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var rows = await SuiteTrials.RunAsync(suite);
        output.WriteLine($"{sw.Elapsed}");
        foreach (var config in new[] { "baseline", "hardened" })
        {
            var mine = rows.Where(r => r.Configuration == config).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{config}: {rows.SuccessRate(config)} {string.Join(", ", rows.Failures(config).Select(f => f.Key + "=" + f.Value))} tokens {mine.Sum(r => r.InputTokens + r.OutputTokens)} cost {mine.Sum(r => r.CostUsd)} samples {mine.Average(r => r.Metrics!["samples"])} p50 {mine.Select(r => r.LatencyMs!.Value).Order().ElementAt(mine.Count / 2)}"));
        }
        foreach (var r in rows.Where(r => r.Configuration == "hardened" && !r.Passed).Take(10)) output.WriteLine($"{r.CaseId} {r.FailureCategory} {r.Error}");
        foreach (var r in rows.Where(r => r.Configuration == "baseline" && !r.Passed).Take(10)) output.WriteLine($"{r.CaseId} {r.FailureCategory} {r.Error}");
    }
}

public class ExploreHanoiTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("14")]
    public async Task ExploreHanoi(string disks)
    {
        var d = Environment.GetEnvironmentVariable("HANOI_DISKS") ?? disks;
        var suite = SuiteTrials.Create("hanoi", ("disks", d));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var rows = await SuiteTrials.RunAsync(suite);
        output.WriteLine($"{sw.Elapsed}");
        foreach (var r in rows)
        {
            output.WriteLine($"{r.Configuration} {r.Passed} {r.FailureCategory} {r.Error} in={r.InputTokens} out={r.OutputTokens} cost={r.CostUsd} latency={r.LatencyMs}");
            output.WriteLine(string.Join(" ", r.Metrics!.Select(m => $"{m.Key}={m.Value.ToString(CultureInfo.InvariantCulture)}")));
        }
    }
}
