using Nines.Evals;

namespace Nines.CommandLine;

/// <summary>
/// The entry point of the <c>nines</c> command surface. The <c>nines</c> tool's Program.cs is one call to
/// <see cref="RunAsync(string[])"/>; a user's console app can make the same call to get the same commands.
/// </summary>
public static class NinesCli
{
    /// <summary>Parses and runs <paramref name="args"/> as the <c>nines</c> command would, on the process's console.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <returns>The process exit code: 0 on success, 1 on failure, 2 on bad input (see the CLI docs).</returns>
    /// <remarks>Ctrl+C and SIGTERM cancel the running command, which then stops cleanly.</remarks>
    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return NinesCommandLine.InvokeAsync(args, CliConsole.CreateSystem(), handleProcessTermination: true);
    }

    /// <summary>
    /// Runs <paramref name="args"/> as the <c>nines</c> command would, with <paramref name="suites"/> offered by
    /// <c>eval</c> beside the built-in suites, as BenchmarkDotNet hosts a project's benchmarks:
    /// <c>return await NinesCli.RunAsync(args, MySuites.Definitions);</c> makes <c>dotnet run -- eval my-suite --trials 200</c> work.
    /// </summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="suites">The app's eval suites.</param>
    /// <returns>The process exit code (see the CLI docs); 2 when a suite's name clashes with a built-in or another suite.</returns>
    public static Task<int> RunAsync(string[] args, params EvalSuiteDefinition[] suites)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(suites);
        return NinesCommandLine.InvokeAsync(args, CliConsole.CreateSystem(), handleProcessTermination: true, userSuites: suites, invocation: "dotnet run --");
    }
}
