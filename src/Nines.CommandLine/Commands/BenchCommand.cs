using System.CommandLine;

namespace Nines.CommandLine.Commands;

/// <summary><c>nines bench</c>: measurements that print figures (not timed tests).</summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var command = new Command("bench", "Measure Nines on this machine and print the figures.");
        command.Subcommands.Add(BenchDurableCommand.Create(console));
        return command;
    }
}
