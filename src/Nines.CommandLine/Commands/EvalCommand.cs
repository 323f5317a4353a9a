using System.CommandLine;
using Nines.CommandLine.Evals;
using Nines.CommandLine.Rendering;

namespace Nines.CommandLine.Commands;

/// <summary>
/// <c>nines eval</c>: lists the eval suites; <c>nines eval &lt;suite&gt;</c> runs one (a subcommand per suite, built in or
/// handed over by a user's app), with the common options and the suite's own.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliConsole console, EvalSuiteCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(catalog);
        var command = new Command(
            "eval",
            "Run an eval suite: every case under every configuration, many trials each, and report the success rate with its " +
            "confidence interval, nines, pass^k, latency, cost and failures. Without a suite name, list the suites.");
        foreach (var (definition, builtIn) in catalog.Suites)
        {
            command.Subcommands.Add(EvalSuiteCommand.Create(console, definition, builtIn, catalog.Invocation));
        }

        command.SetAction(async (_, _) =>
        {
            await WriteListAsync(console, catalog).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static async Task WriteListAsync(CliConsole console, EvalSuiteCatalog catalog)
    {
        if (catalog.Suites.Count == 0)
        {
            await console.Out.WriteLineAsync("No eval suites. Add your own from your app: return await NinesCli.RunAsync(args, MySuites.Definitions); (see docs/evals-runner.md).").ConfigureAwait(false);
            return;
        }

        var table = new TableRenderer(new TableColumn("suite"), new TableColumn("from"), new TableColumn("options"), new TableColumn("description"));
        foreach (var (definition, builtIn) in catalog.Suites)
        {
            table.AddRow(
                definition.Name,
                builtIn ? "built-in" : "your app",
                definition.Parameters.Count == 0 ? "-" : string.Join(" ", definition.Parameters.Select(p => $"--{p.Name} {p.DefaultValue}")),
                definition.Description);
        }

        table.Write(console.Out);
        await console.Out.WriteLineAsync().ConfigureAwait(false);
        await console.Out.WriteLineAsync($"Run one with '{catalog.Invocation} eval <suite>'; '{catalog.Invocation} eval <suite> --help' shows its options.").ConfigureAwait(false);
    }
}
