using Nines.Cli;

namespace Nines.Tests.Cli;

/// <summary>Runs the nines command line in-process with captured stdout and stderr.</summary>
internal static class CliTestRunner
{
    public static async Task<CliRunResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await NinesCommandLine.InvokeAsync(args, new CliConsole(output, error));
        return new CliRunResult(exitCode, output.ToString(), error.ToString());
    }
}
