namespace Nines.Tests.Samples;

/// <summary>samples/MapReduce in-process: escalations in the normal run, the partial-failure report in the outage run.</summary>
public sealed class MapReduceSampleTests : IDisposable
{
    private readonly SampleScratch _scratch = new("nines-mapreduce-", "reviews.db");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Main_Normal_LabelsEveryReviewEscalatingTheOnesTheCheapModelFailedTwice()
    {
        var (exit, output) = await RunAsync("normal");

        Assert.True(exit == 0, output);
        Assert.Contains("triage: 12 of 12 succeeded (100%; 90% required) — quorum met; 2 escalated", output, StringComparison.Ordinal);
        Assert.Contains("#2   negative/support   escalated  3 attempts", output, StringComparison.Ordinal);
        Assert.Contains("[1] review #2: ok after escalation, 3 attempts — primary failed after 2 attempts: ContractViolationException", output, StringComparison.Ordinal);
        Assert.Contains("Tally: negative/billing 2, positive/price 2, positive/shipping 2", output, StringComparison.Ordinal);
        Assert.Contains("Journal: 14 entries (12 map items, 2 escalated)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_Outage_MissesTheQuorumAndPrintsWhichReviewsFailedAndWhy()
    {
        var (exit, output) = await RunAsync("outage");

        Assert.True(exit == 3, output);
        Assert.Contains("triage: 10 of 12 succeeded (83.3%; 90% required) — quorum NOT met; 2 escalated", output, StringComparison.Ordinal);
        Assert.Contains("[1] review #2: FAILED (escalated too), 3 attempts — escalated attempt failed: HttpRequestException: sim:perfect is unavailable (503, simulated outage); primary failed after 2 attempts", output, StringComparison.Ordinal);
        Assert.Contains("[5] review #6: FAILED (escalated too)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Tally:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_SameSeedTwiceOnFreshStores_PrintsTheSameRun()
    {
        var first = await RunAsync("normal", "--seed", "5");
        var second = await RunAsync("normal", "--seed", "5", "--store", _scratch.StorePath("other.db"));

        Assert.Equal(Strip(first.Output), Strip(second.Output));
        Assert.Contains("3 escalated", first.Output, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output)> RunAsync(params string[] args) => _scratch.RunAsync((a, o) => Nines.Samples.MapReduce.Program.RunAsync(a, o), args);

    private string Strip(string output) => output.Replace(_scratch.StorePath("other.db"), "STORE", StringComparison.Ordinal).Replace(_scratch.StorePath("reviews.db"), "STORE", StringComparison.Ordinal);
}
