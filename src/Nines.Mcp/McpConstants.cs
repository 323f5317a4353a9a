namespace Nines.Mcp;

internal static class McpConstants
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How many of a stdio server's last standard-error lines are kept to explain a failure.</summary>
    public const int StandardErrorLinesKept = 20;

    public static bool IsToolNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    public static string SuggestPrefix(string serverName)
    {
        var cleaned = new string([.. (serverName ?? string.Empty).Select(c => IsToolNameCharacter(c) ? c : '_')]);
        return (cleaned.Length == 0 ? "server" : cleaned) + "_";
    }
}
