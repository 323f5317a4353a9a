using System.CommandLine;
using Nines.CommandLine.Evals;
using Nines.CommandLine.Storage;
using Nines.Evals;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines eval &lt;suite&gt;</c>: one suite's subcommand, with the options every suite has and the suite's own.</summary>
internal static class EvalSuiteCommand
{
    public const string DefaultStore = ".nines/evals.db";

    public static Command Create(CliConsole console, EvalSuiteDefinition definition, bool builtIn, string invocation)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(definition);
        var trials = new Option<int?>("--trials") { Description = "Trials per case per configuration (default: the suite's).", HelpName = "n" };
        var seed = new Option<long?>("--seed") { Description = "The seed every trial's seed derives from (default: the suite's). Same seed, same results.", HelpName = "n" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Trials in flight at once (default: the suite's).", HelpName = "n" };
        var config = new Option<string[]>("--config") { Description = "Run only this configuration; repeat for several (default: all).", HelpName = "name" };
        var output = new Option<string?>("--out") { Description = "Where the reports go (default: .nines/evals/<suite>-<time>).", HelpName = "dir" };
        var resume = new Option<bool>("--resume") { Description = "Continue the interrupted run of this eval from its journal; finished trials are not run again." };
        var fresh = new Option<bool>("--fresh") { Description = "Start over even though an interrupted run of this eval is in the journal." };
        var runId = new Option<string?>("--run-id") { Description = "The journal's run id (default: derived from the suite, seed, trials, configurations and options).", HelpName = "id" };
        var store = StoreSpec.CreateOption($"Where trials are journaled for --resume: sqlite:<path> or postgres:<connection string>. Default: sqlite:{DefaultStore}.");
        var noJournal = new Option<bool>("--no-journal") { Description = "Do not journal trials (an interrupted eval then cannot resume)." };
        var require = new Option<string[]>("--require") { Description = "A gate that sets the exit code, e.g. \"hardened.nines >= 3\", \"hardened.pass^4 >= 0.99\", \"hardened > baseline\"; repeatable.", HelpName = "gate" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON instead of the table." };
        config.AllowMultipleArgumentsPerToken = false;
        require.AllowMultipleArgumentsPerToken = false;

        var description = string.IsNullOrWhiteSpace(definition.Description) ? $"Run the {definition.Name} eval suite." : definition.Description;
        var command = new Command(definition.Name, builtIn ? description : description + " (from your app)");
        foreach (var option in new Option[] { trials, seed, concurrency, config, output, resume, fresh, runId, store, noJournal, require, json })
        {
            command.Options.Add(option);
        }

        var suiteOptions = definition.Parameters
            .Select(p => (Parameter: p, Option: new Option<string?>("--" + p.Name) { Description = $"{p.Description} (default {p.DefaultValue})", HelpName = "value" }))
            .ToList();
        foreach (var (_, option) in suiteOptions)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new EvalCommandSettings
            {
                Trials = parseResult.GetValue(trials),
                Seed = parseResult.GetValue(seed),
                Concurrency = parseResult.GetValue(concurrency),
                Configurations = parseResult.GetValue(config) ?? [],
                OutDirectory = parseResult.GetValue(output),
                Resume = parseResult.GetValue(resume),
                Fresh = parseResult.GetValue(fresh),
                RunId = parseResult.GetValue(runId),
                Store = parseResult.GetValue(store),
                NoJournal = parseResult.GetValue(noJournal),
                Gates = parseResult.GetValue(require) ?? [],
                Json = parseResult.GetValue(json),
                SuiteValues = suiteOptions
                    .Select(s => (s.Parameter.Name, Value: parseResult.GetValue(s.Option)))
                    .Where(s => s.Value is not null)
                    .ToDictionary(s => s.Name, s => s.Value!, StringComparer.OrdinalIgnoreCase),
                Tokens = [.. parseResult.Tokens.Select(t => t.Value)],
            };
            return await new EvalCommandRunner(console, definition, invocation).RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
