using System.CommandLine;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines runs</c>: inspect and operate durable workflow runs in a store (list, show, signal, approve, reject, cancel, prune).</summary>
internal static class RunsCommand
{
    public const string StoreDescription =
        "The workflow store: sqlite:<path> (or a bare path) or postgres:<connection string>. Default: sqlite:nines.db in the working directory.";

    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var command = new Command("runs", "Inspect and operate durable workflow runs: list, show, signal, approve, reject, cancel, prune.");
        command.Subcommands.Add(RunsListCommand.Create(console));
        command.Subcommands.Add(RunsShowCommand.Create(console));
        command.Subcommands.Add(RunsSignalCommand.Create(console));
        command.Subcommands.Add(RunsApprovalCommand.Create(console, approve: true));
        command.Subcommands.Add(RunsApprovalCommand.Create(console, approve: false));
        command.Subcommands.Add(RunsCancelCommand.Create(console));
        command.Subcommands.Add(RunsPruneCommand.Create(console));
        return command;
    }
}
