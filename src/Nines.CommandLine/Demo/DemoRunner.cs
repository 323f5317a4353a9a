using Microsoft.Extensions.AI;
using Nines.Chaos;
using Nines.Consensus;
using Nines.Contracts;
using Nines.Models;
using Nines.Resilience;
using Nines.Simulation;

namespace Nines.CommandLine.Demo;

/// <summary>
/// Runs the same invoice-extraction tasks through a bare pipeline and a hardened one, on a simulated model under
/// chaos, and measures what each achieves. Every figure comes from the calls made; nothing is assumed.
/// </summary>
internal sealed class DemoRunner
{
    // A bare call still has the HTTP client's own deadline (HttpClient.Timeout defaults to 100 s); without it a hang would never end.
    internal static readonly TimeSpan BareDeadline = TimeSpan.FromSeconds(100);

    internal const int WarmUpTasks = 16;

    private readonly DemoSettings _settings;
    private readonly InvoiceScenario _scenario;
    private readonly SimulationProfile _model;
    private readonly ChaosProfile _chaos;
    private readonly ScaledTimeProvider _time;

    // Configured once and shared: Contract<T>.Check is thread-safe once configured.
    private readonly Contract<Invoice> _contract = CreateContract();

    public DemoRunner(DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        var spec = ModelSpec.Parse(settings.Model);
        if (spec.Scheme != "sim")
        {
            throw new CliUsageException(
                $"--model {settings.Model} is not a simulated model: the demo needs a known right answer, so use a sim: spec such as sim:good.");
        }

        _model = SimulationProfile.Parse(spec.Model);
        _chaos = ChaosProfile.Load(settings.ChaosProfile);
        _scenario = new InvoiceScenario(settings.Calls, settings.Seed);
        _time = new ScaledTimeProvider(settings.Speedup);
    }

    /// <summary>The contract the hardened pipeline enforces: the schema, DataAnnotations and the invoice's arithmetic.</summary>
    internal static Contract<Invoice> CreateContract() => new Contract<Invoice>()
        .Require(i => i.Lines.All(l => l.Amount == l.Quantity * l.UnitPrice), "every line's amount must equal quantity × unitPrice")
        .Require(i => i.Lines.Sum(l => l.Amount) == i.Total, "the line amounts must add up to the total")
        .Require(i => InvoiceScenario.KnownCurrencies.Contains(i.Currency), "currency must be one of " + string.Join(", ", InvoiceScenario.KnownCurrencies))
        .Require(i => DateOnly.TryParseExact(i.Date, "yyyy-MM-dd", out _), "date must be a real calendar date in yyyy-MM-dd");

    public async Task<(PipelineOutcome Bare, PipelineOutcome Hardened)> RunAsync(Action<string, int, int, PipelineOutcome>? progress, CancellationToken cancellationToken)
    {
        // Warm-up, not counted: the first calls JIT-compile Polly, the JSON schema validator and the simulation. On a
        // clock that runs hundreds of times faster than real time, that one-off pause would look like a hung provider.
        var warmUp = new InvoiceScenario(Math.Min(WarmUpTasks, _settings.Calls), _settings.Seed + 1);
        await RunPipelineAsync(new PipelineOutcome("warm-up", string.Empty), warmUp, BuildBare, RunBareAsync, null, cancellationToken).ConfigureAwait(false);
        await RunPipelineAsync(new PipelineOutcome("warm-up", string.Empty), warmUp, BuildHardened, RunHardenedAsync, null, cancellationToken).ConfigureAwait(false);

        var bare = new PipelineOutcome("bare", "one call, no checks");
        await RunPipelineAsync(bare, _scenario, BuildBare, RunBareAsync, progress, cancellationToken).ConfigureAwait(false);
        var hardened = new PipelineOutcome("hardened", $"resilience + contracts + ahead-by-{_settings.K} voting");
        await RunPipelineAsync(hardened, _scenario, BuildHardened, RunHardenedAsync, progress, cancellationToken).ConfigureAwait(false);
        return (bare, hardened);
    }

    private (IChatClient Client, CallMeter Meter) BuildBare(IChatClient model)
    {
        var meter = new CallMeter(model.AsBuilder().UseChaos(_chaos, o => ConfigureChaos(o)).Build());
        return (meter, meter);
    }

    private (IChatClient Client, CallMeter Meter) BuildHardened(IChatClient model)
    {
        // Recommended order, outermost first: contracts and consensus (VoteAsync with the contract) → resilience → chaos → model.
        CallMeter? meter = null;
        var client = model.AsBuilder()
            .UseResilience(o =>
            {
                o.TimeProvider = _time;
                o.Seed = _settings.Seed;
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.TotalTimeout = TimeSpan.FromMinutes(5);
                o.MaxRetryAttempts = 6;

                // Many samples are in flight at once; judge the provider on a larger window than the default.
                o.BreakerMinimumThroughput = 100;
            })
            .Use(inner => meter = new CallMeter(inner))
            .UseChaos(_chaos, o => ConfigureChaos(o))
            .Build();
        return (client, meter!);
    }

    private void ConfigureChaos(ChaosOptions options)
    {
        options.Seed = _settings.Seed;
        options.TimeProvider = _time;
    }

    private async Task<FailureCategory> RunBareAsync(IChatClient client, InvoiceScenario scenario, InvoiceCase task, CancellationToken cancellationToken)
    {
        var options = new ChatOptions { ResponseFormat = _contract.ResponseFormat }.WithSimulationOracle(scenario);
        using var deadline = new CancellationTokenSource(BareDeadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            var response = await client.GetResponseAsync(InvoiceScenario.Prompt(task), options, linked.Token).ConfigureAwait(false);

            // Classify with the contract (without re-asking) only to name the failure; the bare pipeline acts on whatever came back.
            var check = _contract.Check(response);
            return check.Category switch
            {
                FailureCategory.None => check.Value!.SameAs(task.Truth) ? FailureCategory.None : FailureCategory.WrongAnswer,
                FailureCategory.RuleViolation => FailureCategory.WrongAnswer,
                var category => category,
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return FailureCategory.Timeout;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return TransientFailures.Classify(ex);
        }
    }

    private async Task<FailureCategory> RunHardenedAsync(IChatClient client, InvoiceScenario scenario, InvoiceCase task, CancellationToken cancellationToken)
    {
        var options = new ChatOptions().WithSimulationOracle(scenario);
        var consensus = new ConsensusOptions
        {
            Mode = ConsensusMode.FirstToAheadByK,
            K = _settings.K,
            MaxSamples = 6 * _settings.K + 4,
            MaxParallelism = _settings.K,
        };
        try
        {
            var vote = await client.VoteAsync(
                [new ChatMessage(ChatRole.User, InvoiceScenario.Prompt(task))], consensus, _contract, options, cancellationToken: cancellationToken).ConfigureAwait(false);
            return vote.Winner.SameAs(task.Truth) ? FailureCategory.None : FailureCategory.WrongAnswer;
        }
        catch (NoConsensusException)
        {
            return FailureCategory.NoConsensus;
        }
        catch (ContractViolationException ex)
        {
            return ex.Category;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return TransientFailures.Classify(ex);
        }
    }

    private async Task RunPipelineAsync(
        PipelineOutcome outcome,
        InvoiceScenario scenario,
        Func<IChatClient, (IChatClient Client, CallMeter Meter)> build,
        Func<IChatClient, InvoiceScenario, InvoiceCase, CancellationToken, Task<FailureCategory>> run,
        Action<string, int, int, PipelineOutcome>? progress,
        CancellationToken cancellationToken)
    {
        // Each pipeline gets its own simulated model with the same seed, so both face the same model and the same fault profile.
        using var model = new SimulatedChatClient(_model, new SimulationOptions { Seed = _settings.Seed, TimeProvider = _time });
        var (client, meter) = build(model);
        var done = 0;
        try
        {
            await Parallel.ForEachAsync(
                scenario.Cases,
                new ParallelOptions { MaxDegreeOfParallelism = _settings.Concurrency, CancellationToken = cancellationToken },
                async (task, ct) =>
                {
                    var started = _time.GetTimestamp();
                    var category = await run(client, scenario, task, ct).ConfigureAwait(false);
                    outcome.Record(category, _time.GetElapsedTime(started));
                    progress?.Invoke(outcome.Name, Interlocked.Increment(ref done), scenario.Cases.Count, outcome);
                }).ConfigureAwait(false);
        }
        finally
        {
            outcome.ModelCalls = meter.Calls;
            outcome.InputTokens = meter.InputTokens;
            outcome.OutputTokens = meter.OutputTokens;
            client.Dispose();
        }
    }
}
