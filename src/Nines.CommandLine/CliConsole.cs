using Nines.CommandLine.Rendering;

namespace Nines.CommandLine;

/// <summary>
/// Where a command writes and what it writes to: the output and error writers, whether each is an interactive
/// terminal, and the clock. Commands take one of these instead of touching <see cref="Console"/>, so tests can
/// run the whole command line in-process with captured writers and a fake clock.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool isOutputTerminal = false, bool isErrorTerminal = false, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Out = output;
        Error = error;
        IsOutputTerminal = isOutputTerminal;
        IsErrorTerminal = isErrorTerminal;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Results: tables, JSON. Safe to pipe into a file or another program.</summary>
    public TextWriter Out { get; }

    /// <summary>Errors, progress and diagnostics.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether <see cref="Out"/> is an interactive terminal (not redirected).</summary>
    public bool IsOutputTerminal { get; }

    /// <summary>Whether <see cref="Error"/> is an interactive terminal; progress bars redraw in place only then.</summary>
    public bool IsErrorTerminal { get; }

    /// <summary>The clock for elapsed times and ETAs.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The process's console.</summary>
    public static CliConsole CreateSystem() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected, TimeProvider.System);

    /// <summary>A progress bar on <see cref="Error"/>: redrawn in place on a terminal, sparse lines otherwise.</summary>
    public ProgressBar CreateProgressBar(string? label = null) => new(Error, IsErrorTerminal, TimeProvider, label);
}
