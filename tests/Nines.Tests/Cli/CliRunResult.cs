namespace Nines.Tests.Cli;

/// <summary>What one in-process run of the command line returned and wrote.</summary>
internal sealed record CliRunResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
