using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Nines.Consensus;
using Nines.Evals;
using Nines.Evals.Suites.Hanoi;
using Nines.Simulation;

namespace Nines.Benchmarks;

/// <summary>
/// Cost of one step of the <c>hanoi</c> eval suite (the MAKER task): a first-to-ahead-by-3 vote over samples of a simulated
/// model at ε = 0.0022, each sample a real IChatClient call. A 12-disk run (4,095 steps) per invocation, reported per step;
/// plus the parts: one simulated call, and one vote over a client that answers from a cached reply.
/// </summary>
[MemoryDiagnoser]
public class HanoiBenchmarks
{
    private const int Disks = 12;
    private const int StepsPerRun = (1 << Disks) - 1;

    private static readonly EvalConfiguration _configuration = new("maker", (_, _) => ValueTask.FromResult<object?>(null));
    private static readonly EvalCase _case = new("bench");

    private readonly HanoiSettings _settings = new(Disks, 0.0022, 0.25, 3, 0.95);
    private readonly ChatMessage[] _messages =
    [
        new(ChatRole.System, HanoiReplies.Instructions),
        new(ChatRole.User, "Move 7 of 4,095. Pegs (bottom first) 0: [12, 11, 10, 9, 8, 7, 6, 5, 4] 1: [3] 2: [2, 1]. Previous move: {\"disk\":1,\"from\":1,\"to\":2}."),
    ];

    private readonly ChatOptions _options = new ChatOptions().WithSimulatedTask(new SimulatedTask("{\"disk\":1,\"from\":0,\"to\":2}"));
    private SimulatedChatClient _model = null!;
    private IChatClient[] _cached = null!;
    private ConsensusOptions _voting = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = new SimulatedChatClient(_settings.Model, new SimulationOptions { Seed = 1 });
        _cached = [new CachedReplyChatClient(new ChatResponse(new ChatMessage(ChatRole.Assistant, "{\"disk\":1,\"from\":0,\"to\":2}")))];
        _voting = new ConsensusOptions { K = 3, MaxSamples = 80, MaxParallelism = 3, MaxOutputTokens = HanoiSettings.TokenCap }.Snapshot();
    }

    [Benchmark(Description = "hanoi step (12-disk run, per step)", OperationsPerInvoke = StepsPerRun)]
    public async Task<object> Step()
    {
        var context = new EvalTrialContext("hanoi", _configuration, _case, 0, 1);
        var result = await new HanoiRun(_settings).RunAsync(context, CancellationToken.None);
        return result.Solved ? result : throw new InvalidOperationException(result.Error);
    }

    [Benchmark(Description = "one simulated call")]
    public Task<ChatResponse> SimulatedCall() => _model.GetResponseAsync(_messages, _options);

    [Benchmark(Description = "one ahead-by-3 vote, cached replies")]
    public async Task<object> Vote()
    {
        var outcome = await VoteEngine.RunAsync(
            _cached, _messages, _options, _voting, r => Judgement<string>.Vote(r.Text, r.Text), CancellationToken.None);
        return outcome;
    }
}
