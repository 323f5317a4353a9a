using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Chaos;
using Nines.Models;
using Nines.Simulation;
using static System.FormattableString;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines models</c>: the model specs Nines understands, and <c>models check</c>, one call through the full pipeline.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var command = new Command("models", "Model specs: list the providers, or check one model with a call through the full pipeline.");
        command.Subcommands.Add(CreateList(console));
        command.Subcommands.Add(CreateCheck(console));
        return command;
    }

    private static Command CreateList(CliConsole console)
    {
        var command = new Command("list", "List the model spec schemes and an example of each.");
        command.SetAction(_ =>
        {
            var table = new Rendering.TableRenderer(new Rendering.TableColumn("scheme"), new Rendering.TableColumn("spec"));
            foreach (var provider in ModelFactory.Providers)
            {
                table.AddRow(provider.Scheme, provider.Description);
            }

            table.Write(console.Out);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateCheck(CliConsole console)
    {
        var spec = new Argument<string>("spec") { Description = "The model spec, e.g. sim:good, openai:gpt-4o-mini, openai-compatible:http://localhost:8000/v1#my-model, ollama:llama3.2, anthropic:claude-sonnet-4-5." };
        var prompt = new Option<string>("--prompt") { Description = "The prompt to send.", DefaultValueFactory = _ => "Reply with the single word: ready" };
        var chaos = new Option<string?>("--chaos") { Description = "Inject faults under this chaos profile (a built-in name or a JSON file) to watch the layers act." };
        var seed = new Option<int>("--seed") { Description = "Seed for simulated models and chaos.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<double>("--timeout") { Description = "Total time budget for the call, in seconds.", DefaultValueFactory = _ => 120 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        var command = new Command("check", "Make one call through the full pipeline (contracts → resilience → [chaos] → model) and print latency, usage and which layers acted.");
        command.Arguments.Add(spec);
        foreach (var option in new Option[] { prompt, chaos, seed, timeout, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var specText = parseResult.GetValue(spec)!;
            var seconds = parseResult.GetValue(timeout);
            if (!(seconds > 0))
            {
                throw new CliUsageException(Invariant($"--timeout must be a positive number of seconds (got {seconds})."));
            }

            var chaosProfile = parseResult.GetValue(chaos) is { } chaosName ? ChaosProfile.Load(chaosName) : null;
            var factoryOptions = new ModelFactoryOptions { Seed = parseResult.GetValue(seed), TimeProvider = console.TimeProvider };
            using var model = ModelFactory.Create(specText, factoryOptions);

            var builder = model.AsBuilder()
                .UseContracts()
                .UseResilience(o =>
                {
                    o.TimeProvider = console.TimeProvider;
                    o.TotalTimeout = TimeSpan.FromSeconds(seconds);
                    o.AttemptTimeout = TimeSpan.FromSeconds(Math.Min(seconds, 60));
                });
            if (chaosProfile is not null)
            {
                builder.UseChaos(chaosProfile, o =>
                {
                    o.Seed = parseResult.GetValue(seed);
                    o.TimeProvider = console.TimeProvider;
                });
            }

            using var client = builder.Build();
            var started = console.TimeProvider.GetTimestamp();
            ChatResponse response;
            try
            {
                response = await client.GetResponseAsync(parseResult.GetValue(prompt)!, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var category = Resilience.TransientFailures.Classify(ex);
                await console.Error.WriteLineAsync(Invariant(
                    $"error: the call to {specText} failed after {console.TimeProvider.GetElapsedTime(started).TotalSeconds:F2} s ({category}): {NinesCommandLine.OneLine(ex.Message)}")).ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            var elapsed = console.TimeProvider.GetElapsedTime(started);
            var layers = LayerTrace.Get(response);
            var simulated = response.AdditionalProperties?.ContainsKey(SimulatedChatClient.SimulatedKey) == true;
            if (parseResult.GetValue(json))
            {
                var result = new
                {
                    Spec = specText,
                    response.ModelId,
                    Simulated = simulated,
                    LatencySeconds = elapsed.TotalSeconds,
                    InputTokens = response.Usage?.InputTokenCount,
                    OutputTokens = response.Usage?.OutputTokenCount,
                    FinishReason = response.FinishReason?.Value,
                    Reply = response.Text,
                    Layers = layers.Select(l => new { l.Layer, l.Note }),
                };
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(result, PlanCommand.JsonOptions)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var output = console.Out;
            await output.WriteLineAsync(Invariant($"model      {specText}{(simulated ? "  (SIMULATED: no real model was called)" : string.Empty)}")).ConfigureAwait(false);
            await output.WriteLineAsync(Invariant($"model id   {response.ModelId ?? "(not reported)"}")).ConfigureAwait(false);
            await output.WriteLineAsync(Invariant($"latency    {elapsed.TotalMilliseconds:F0} ms")).ConfigureAwait(false);
            await output.WriteLineAsync(Invariant(
                $"usage      {response.Usage?.InputTokenCount?.ToString(_invariant) ?? "?"} in, {response.Usage?.OutputTokenCount?.ToString(_invariant) ?? "?"} out")).ConfigureAwait(false);
            await output.WriteLineAsync(Invariant($"finish     {response.FinishReason?.Value ?? "(not reported)"}")).ConfigureAwait(false);
            await output.WriteLineAsync(Invariant($"reply      {Shorten(response.Text, 200)}")).ConfigureAwait(false);
            await output.WriteLineAsync("layers that acted, innermost first:").ConfigureAwait(false);
            foreach (var layer in layers)
            {
                await output.WriteLineAsync(Invariant($"  {layer.Layer,-11} {layer.Note}")).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static readonly System.Globalization.CultureInfo _invariant = System.Globalization.CultureInfo.InvariantCulture;

    private static string Shorten(string text, int max)
    {
        var oneLine = NinesCommandLine.OneLine(text);
        return oneLine.Length <= max ? oneLine : oneLine[..max] + "…";
    }
}
