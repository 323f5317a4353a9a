using Nines.CommandLine;

namespace Nines.Tests.Cli;

/// <summary>Runs the nines command line in-process with captured stdout and stderr.</summary>
internal static class CliTestRunner
{
    public static Task<CliRunResult> RunAsync(params string[] args) => RunAsync(timeProvider: null, args);

    /// <summary>Runs with <paramref name="timeProvider"/> as the console's clock (e.g. the fake clock a workflow store was written with).</summary>
    public static async Task<CliRunResult> RunAsync(TimeProvider? timeProvider, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await NinesCommandLine.InvokeAsync(args, new CliConsole(output, error, timeProvider: timeProvider));
        return new CliRunResult(exitCode, output.ToString(), error.ToString());
    }
}
