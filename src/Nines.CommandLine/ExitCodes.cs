namespace Nines.CommandLine;

/// <summary>The process exit codes of <c>nines</c> (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug or an environment problem); run again with --verbose for the stack trace.</summary>
    public const int Failure = 1;

    /// <summary>The command line or its input was wrong: unknown option, bad value, missing file, malformed JSON or model spec.</summary>
    public const int Usage = 2;

    /// <summary>The command ran, but a <c>--require</c> gate failed (for example <c>hardened.nines &gt;= 3</c> measured 2.4).</summary>
    public const int GateFailed = 3;

    /// <summary>Canceled by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Canceled = 130;
}
