using System.Globalization;
using Nines.Evals;
using Xunit.Abstractions;

namespace Nines.Tests.Evals.Suites;

public class InvoicesSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Explore()
    {
        var suite = SuiteTrials.Create("invoices");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var rows = await SuiteTrials.RunAsync(suite);
        output.WriteLine($"{sw.Elapsed}");
        foreach (var config in new[] { "baseline", "hardened" })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{config}: {rows.SuccessRate(config)} {string.Join(", ", rows.Failures(config).Select(f => f.Key + "=" + f.Value))} tokens {rows.Where(r => r.Configuration == config).Sum(r => r.InputTokens + r.OutputTokens)} cost {rows.Where(r => r.Configuration == config).Sum(r => r.CostUsd)} p50 {rows.Where(r => r.Configuration == config).Select(r => r.LatencyMs!.Value).Order().ElementAt(rows.Count / 4)}"));
        }
        foreach (var r in rows.Where(r => r.Configuration == "hardened" && !r.Passed)) output.WriteLine($"{r}");
    }
}
