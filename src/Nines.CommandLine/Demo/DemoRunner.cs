using Microsoft.Extensions.AI;
using Nines.Chaos;
using Nines.Consensus;
using Nines.Contracts;
using Nines.Evals.Suites.Invoices;
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
    internal const int WarmUpTasks = 16;

    private readonly DemoSettings _settings;
    private readonly InvoiceScenario _scenario;
    private readonly SimulationProfile _model;
    private readonly ChaosProfile _chaos;
    private readonly ScaledTimeProvider _time;

    // Configured once and shared: Contract<T>.Check is thread-safe once configured.
    private readonly Contract<Invoice> _contract = InvoiceExtraction.CreateContract();

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
            .UseInvoiceResilience(_time, _settings.Seed)
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
        try
        {
            var response = await InvoiceExtraction.BareAsync(client, scenario, task, _contract, _time, cancellationToken).ConfigureAwait(false);

            // Graded with the contract (without re-asking) only to name the failure; the bare pipeline acts on whatever came back,
            // so a reply that breaks the invoice's arithmetic is simply a wrong answer.
            var category = InvoiceExtraction.Grade(response, task.Truth, _contract, out _);
            return category == FailureCategory.RuleViolation ? FailureCategory.WrongAnswer : category;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return TransientFailures.Classify(ex);
        }
    }

    private async Task<FailureCategory> RunHardenedAsync(IChatClient client, InvoiceScenario scenario, InvoiceCase task, CancellationToken cancellationToken)
    {
        try
        {
            var winner = await InvoiceExtraction.HardenedAsync(client, scenario, task, _contract, _settings.K, _settings.K, cancellationToken).ConfigureAwait(false);
            return InvoiceExtraction.Grade(winner, task.Truth, _contract, out _);
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
