namespace Nines.Tests.Samples;

/// <summary>samples/OrchestratorWorkers in-process: a brief with escalated workers, a missed quorum, and a rerun that calls no model.</summary>
public sealed class OrchestratorWorkersSampleTests : IDisposable
{
    private readonly SampleScratch _scratch = new("nines-orchestrator-", "briefs.db");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Main_Normal_PlansRunsWorkersEscalatesTwoAndWritesTheBrief()
    {
        var (exit, output) = await RunAsync("normal");

        Assert.True(exit == 0, output);
        Assert.Contains("Plan: market, competitors, pricing, risks, channels", output, StringComparison.Ordinal);
        Assert.Contains("2. competitors  escalated  3 attempts", output, StringComparison.Ordinal);
        Assert.Contains("Brief: the Lift desk: launch at 449 EUR online first, built on 5 of 5 research topics", output, StringComparison.Ordinal);
        Assert.Contains("brief: 5 of 5 succeeded (100%; 80% required) — quorum met; 2 escalated", output, StringComparison.Ordinal);
        Assert.Contains("Model calls in this process: lead 2, workers 14, escalation 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_Degraded_MissesTheQuorumSkipsTheSynthesiserAndReportsEachFailedTopic()
    {
        var (exit, output) = await RunAsync("degraded");

        Assert.True(exit == 3, output);
        Assert.Contains("brief: 2 of 5 succeeded (40%; 80% required) — quorum NOT met", output, StringComparison.Ordinal);
        Assert.Contains("[0] market: FAILED, 2 attempts — ContractViolationException", output, StringComparison.Ordinal);
        Assert.Contains("[4] channels: FAILED, 2 attempts", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Brief:", output, StringComparison.Ordinal);
        Assert.Contains("lead 1,", output, StringComparison.Ordinal); // the planner only: the synthesiser was never called
    }

    [Fact]
    public async Task Main_SameRunAgain_PrintsTheJournaledResultWithoutCallingAModel()
    {
        var first = await RunAsync("normal");
        var again = await RunAsync("normal");

        Assert.Equal(0, again.Exit);
        Assert.Contains("Model calls in this process: lead 0, workers 0, escalation 0", again.Output, StringComparison.Ordinal);
        Assert.Equal(Body(first.Output), Body(again.Output));
    }

    private Task<(int Exit, string Output)> RunAsync(params string[] args) => _scratch.RunAsync((a, o) => Nines.Samples.OrchestratorWorkers.Program.RunAsync(a, o), args);

    private static string Body(string output) => output[..output.IndexOf("Model calls", StringComparison.Ordinal)];
}
