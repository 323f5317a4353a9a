using Nines.Evals;

namespace Nines.Tests.Evals;

/// <summary>A small two-configuration report with known figures, for the report tests.</summary>
internal static class EvalReportFixture
{
    /// <summary>A case id with markup in it: the reports must show it as text, never run it.</summary>
    public const string HostileCaseId = "<script>alert('x')</script>&co";

    /// <summary>baseline: 4 cases × 10 trials, 30 of 40 passing (75%); hardened: 39 of 40 (97.5%). Gates: one passes, one fails.</summary>
    public static EvalReport Create()
    {
        var rows = EvalTrialRows.For("baseline", (10, 7), (10, 8), (10, 7), (10, 8));
        rows.AddRange(EvalTrialRows.For("hardened", (10, 10), (10, 10), (10, 9), (10, 10)));
        rows = [.. rows.Select(r => r.CaseId == "case-3" ? r with { CaseId = HostileCaseId } : r)];
        var summary = EvalStatistics.Compute(rows);
        var gates = new[] { "hardened > baseline", "hardened.nines >= 3" }.Select(g => EvalGate.Parse(g).Evaluate(summary)).ToList();
        return new EvalReport("invoices", summary, rows)
        {
            Description = "Typed invoice extraction under chaos",
            Seed = 42,
            TrialsPerCase = 10,
            Configurations = [new("baseline", "one bare call"), new("hardened", "resilience + contracts + consensus")],
            StartedAt = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(2026, 11, 26, 12, 0, 42, TimeSpan.Zero),
            Gates = gates,
        };
    }
}
