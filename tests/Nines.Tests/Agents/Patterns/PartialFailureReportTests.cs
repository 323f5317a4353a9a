using CsCheck;
using Nines.Agents.Patterns;

namespace Nines.Tests.Agents.Patterns;

public sealed class PartialFailureReportTests
{
    [Fact]
    public void QuorumMet_KOfNWithRatioKOverN_IsMetAndOneFewerIsNot()
    {
        // A quorum "k of n" is written MinSuccessRatio = k / n; floating point must not make exactly k fall short.
        Gen.Int[1, 500].SelectMany(n => Gen.Int[1, n].Select(k => (n, k))).Sample(x =>
        {
            var ratio = (double)x.k / x.n;
            Assert.True(new PartialFailureReport("map", x.n, x.k, ratio, []).QuorumMet, $"{x.k} of {x.n}");
            Assert.False(new PartialFailureReport("map", x.n, x.k - 1, ratio, []).QuorumMet, $"{x.k - 1} of {x.n}");
        });
    }

    [Fact]
    public void ToString_FailedAndEscalatedEntries_ListsEachWithVerdictAttemptsAndShortenedError()
    {
        var report = new PartialFailureReport("triage", 4, 3, 0.75,
        [
            new PartialFailureEntry(1, "review #2", Succeeded: true, Attempts: 3, Escalated: true, "primary failed after 2 attempts: boom"),
            new PartialFailureEntry(3, "review #4", Succeeded: false, Attempts: 2, Escalated: false, new string('x', 500)),
        ]);

        var lines = report.ToString().Split(Environment.NewLine);

        Assert.Equal("triage: 3 of 4 succeeded (75%; 75% required) — quorum met; 1 escalated", lines[0]);
        Assert.Equal("  [1] review #2: ok after escalation, 3 attempts — primary failed after 2 attempts: boom", lines[1]);
        Assert.StartsWith("  [3] review #4: FAILED, 2 attempts — xxx", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("...", lines[2], StringComparison.Ordinal);
        Assert.True(lines[2].Length < 320, lines[2]);
        Assert.Equal((1, 1), (report.Failed, report.Escalated));
        Assert.Equal(3, Assert.Single(report.Failures).Index);
    }
}
