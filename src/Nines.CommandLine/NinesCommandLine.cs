using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.Json;
using Nines.CommandLine.Commands;
using Nines.CommandLine.Evals;
using Nines.Evals;
using Nines.Models;
using Nines.Workflows;

namespace Nines.CommandLine;

/// <summary>
/// Builds and runs the <c>nines</c> command line. Program.cs and the tests both go through
/// <see cref="InvokeAsync"/>, so what the tests see is what a user sees.
/// </summary>
/// <remarks>
/// <para>How to add a command (for example <c>demo</c> or <c>models check</c>):</para>
/// <list type="number">
/// <item>Create <c>src/Nines.Cli/Commands/&lt;Name&gt;Command.cs</c>: an <c>internal static class</c> with
/// <c>public static Command Create(CliConsole console)</c> that declares its options and calls
/// <c>command.SetAction(...)</c> (or <c>SetAction(async (parseResult, ct) =&gt; ...)</c> for async work). A
/// group such as <c>models</c> is a <see cref="Command"/> whose subcommands come from their own classes.</item>
/// <item>Add it to the list in <see cref="CreateRootCommand"/>.</item>
/// <item>In the action, write results to <see cref="CliConsole.Out"/> and progress to <see cref="CliConsole.Error"/>
/// (never to <see cref="Console"/>), and return an exit code from <see cref="ExitCodes"/>.</item>
/// <item>For bad input, throw <see cref="CliUsageException"/> (or let an <see cref="ArgumentException"/>,
/// <see cref="ModelSpecException"/>, <see cref="FormatException"/>, <see cref="FileNotFoundException"/> or
/// <see cref="JsonException"/> escape, or from the workflow commands <see cref="WorkflowStoreException"/>,
/// <see cref="WorkflowRunNotFoundException"/> or <see cref="WorkflowRunStateException"/>): the handler here prints its message as one <c>error:</c> line and
/// exits with <see cref="ExitCodes.Usage"/>. Anything else exits with <see cref="ExitCodes.Failure"/> and a
/// hint to rerun with <c>--verbose</c> for the stack trace. Messages say what was wrong, what was expected and
/// what to do.</item>
/// <item>Test it in-process: <c>NinesCommandLine.InvokeAsync(["name", ...], new CliConsole(out, err))</c>.</item>
/// </list>
/// </remarks>
internal static class NinesCommandLine
{
    public const string VerboseOptionName = "--verbose";

    public static Command CreateRootCommand(CliConsole console, EvalSuiteCatalog? evalSuites = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        evalSuites ??= EvalSuiteCatalog.BuiltInOnly();

        // A plain Command named "nines" rather than RootCommand, whose name (and so the help's usage line) would be
        // the assembly's, Nines.CommandLine (or a user's app). RootCommand's help and version options are added by hand.
        var root = new Command(
            "nines",
            "nines: make LLM calls, agents and workflows reliable, and measure how reliable as a number of nines.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(new Option<bool>(VerboseOptionName)
        {
            Description = "Print stack traces and extra diagnostics on errors.",
            Recursive = true,
        });

        Command[] commands =
        [
            DemoCommand.Create(console),
            PlanCommand.Create(console),
            StatsCommand.Create(console),
            ModelsCommand.Create(console),
            RunsCommand.Create(console),
            BenchCommand.Create(console),
            EvalCommand.Create(console, evalSuites),
        ];
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        // Bare `nines` prints the help rather than an error.
        root.SetAction(parseResult =>
        {
            new HelpAction().Invoke(parseResult);
            return ExitCodes.Success;
        });
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, mapping every failure to one line on stderr and an exit code.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="handleProcessTermination">Whether Ctrl+C / SIGTERM cancel the running command (the real process only).</param>
    /// <param name="cancellationToken">Cancels the running command.</param>
    /// <param name="userSuites">Eval suites from a user's app, offered beside the built-in ones; null for none.</param>
    /// <param name="invocation">How the user started the program, for hints such as the resume command.</param>
    public static async Task<int> InvokeAsync(
        IReadOnlyList<string> args,
        CliConsole console,
        bool handleProcessTermination = false,
        CancellationToken cancellationToken = default,
        IReadOnlyList<EvalSuiteDefinition>? userSuites = null,
        string invocation = "nines")
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);

        EvalSuiteCatalog evalSuites;
        try
        {
            evalSuites = new EvalSuiteCatalog(EvalSuiteCatalog.BuiltInSuites, userSuites, invocation);
        }
        catch (ArgumentException ex)
        {
            // A clash between suites is the host app's mistake; say so before parsing anything.
            return await ReportAsync(ex, console.Error, verbose: false).ConfigureAwait(false);
        }

        var root = CreateRootCommand(console, evalSuites);
        var verboseOption = root.Options.OfType<Option<bool>>().Single(o => o.Name == VerboseOptionName);
        var parseResult = root.Parse(args);
        var verbose = parseResult.GetValue(verboseOption) || args.Contains(VerboseOptionName, StringComparer.Ordinal);

        if (parseResult.Action is ParseErrorAction)
        {
            var messages = string.Join("; ", parseResult.Errors.Select(e => OneLine(e.Message).TrimEnd('.')));
            await console.Error.WriteLineAsync($"error: {messages}. See '{CommandPath(parseResult)} --help'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // After Ctrl+C a command gets this long to stop cleanly (an eval journals its finished trials and writes
            // its partial report) before the invocation gives up waiting for it.
            ProcessTerminationTimeout = handleProcessTermination ? TimeSpan.FromSeconds(10) : null,
        };

        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return await ReportAsync(ex, console.Error, verbose).ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="exception"/> as one <c>error:</c> line (plus the stack trace when verbose) and picks the exit code.</summary>
    internal static async Task<int> ReportAsync(Exception exception, TextWriter error, bool verbose)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        var (exitCode, line) = exception switch
        {
            CliUsageException e => (ExitCodes.Usage, e.Message),
            ArgumentException e => (ExitCodes.Usage, WithoutParameterSuffix(e)),
            ModelSpecException e => (ExitCodes.Usage, e.Message),
            FormatException e => (ExitCodes.Usage, e.Message),
            FileNotFoundException e => (ExitCodes.Usage, e.Message),
            JsonException e => (ExitCodes.Usage, e.Message),

            // A store the CLI cannot use (corrupt, foreign, newer), a run id that is not there, or an operation the run's
            // state forbids (signalling a finished run) are the user's input, not a bug.
            WorkflowStoreException e => (ExitCodes.Usage, e.Message),
            WorkflowRunNotFoundException e => (ExitCodes.Usage, e.Message),
            WorkflowRunStateException e => (ExitCodes.Usage, e.Message),
            OperationCanceledException => (ExitCodes.Canceled, "canceled."),
            _ => (ExitCodes.Failure,
                $"unexpected {exception.GetType().Name}: {exception.Message}" +
                (verbose ? string.Empty : $" (run again with {VerboseOptionName} to see the stack trace)")),
        };

        await error.WriteLineAsync($"error: {OneLine(line)}").ConfigureAwait(false);
        if (verbose)
        {
            await error.WriteLineAsync(exception.ToString()).ConfigureAwait(false);
        }

        return exitCode;
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    // ArgumentException appends " (Parameter 'x')" and ArgumentOutOfRangeException a line "Actual value was v.";
    // the user needs neither — good messages already name the option and the value.
    private static string WithoutParameterSuffix(ArgumentException exception)
    {
        var message = exception.Message;
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        if (exception is ArgumentOutOfRangeException && newline >= 0)
        {
            message = message[..newline].TrimEnd('\r');
        }

        var suffix = $" (Parameter '{exception.ParamName}')";
        return exception.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal)
            ? message[..^suffix.Length]
            : message;
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is not null; result = result.Parent)
        {
            if (result is CommandResult command)
            {
                names.Add(command.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
