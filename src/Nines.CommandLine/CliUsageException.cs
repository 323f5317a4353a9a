namespace Nines.CommandLine;

/// <summary>
/// The user asked for something the command cannot do. The message is printed as one line after
/// <c>error: </c> and the process exits with <see cref="ExitCodes.Usage"/>: say what was wrong, what was
/// expected, and what to do.
/// </summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
