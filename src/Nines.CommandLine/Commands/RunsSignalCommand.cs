using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nines.CommandLine.Storage;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines runs signal &lt;id&gt; &lt;name&gt; &lt;json&gt;</c>: sends a signal; a run waiting for it resumes.</summary>
internal static class RunsSignalCommand
{
    private const string Example = "nines runs signal <id> approval '{\"by\":\"ann\",\"approved\":true}'";

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var id = new Argument<string>("id") { Description = "The run id (see 'nines runs list')." };
        var name = new Argument<string>("name") { Description = "The signal name the workflow waits for (WaitForSignalAsync's name)." };
        var payload = new Argument<string>("json") { Description = "The payload as JSON, e.g. '{\"by\":\"ann\",\"approved\":true}', '\"yes\"' or 'null'." };
        var store = StoreSpec.CreateOption(RunsCommand.StoreDescription);

        var command = new Command("signal", "Send a signal to a run; a run waiting for it resumes on the next worker pass. Signals of one name are delivered once each, in order.");
        command.Arguments.Add(id);
        command.Arguments.Add(name);
        command.Arguments.Add(payload);
        command.Options.Add(store);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var runId = parseResult.GetValue(id)!;
            var signalName = parseResult.GetValue(name)!;
            if (string.IsNullOrWhiteSpace(signalName))
            {
                throw new CliUsageException($"the signal name is empty; give the name the workflow waits for, e.g. {Example}");
            }

            var json = Validate(parseResult.GetValue(payload)!);
            var spec = StoreSpec.Parse(parseResult.GetValue(store));
            await using var opened = await spec.OpenExistingAsync(console.TimeProvider, cancellationToken).ConfigureAwait(false);
            var signal = await opened.SendSignalAsync(runId, signalName, json, console.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var run = await opened.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"sent signal '{signal.Name}' (#{signal.Sequence}) to run {runId} ({(run is null ? "gone" : RunsFormat.Status(run.Status))}): {RunsFormat.Shorten(signal.PayloadJson, 200)}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Checks that <paramref name="text"/> is one JSON value and returns it as given (trimmed).</summary>
    /// <exception cref="CliUsageException">It is not.</exception>
    internal static string Validate(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return text.Trim();
        }
        catch (JsonException ex)
        {
            throw new CliUsageException(
                $"the signal payload is not valid JSON ({ex.Message}). Quote it for your shell, e.g. {Example}; a plain string needs JSON quotes: '\"yes\"'.",
                ex);
        }
    }
}
