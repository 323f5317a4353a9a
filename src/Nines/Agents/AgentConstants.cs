namespace Nines.Agents;

/// <summary>Defaults for <see cref="AgentRunOptions"/>.</summary>
internal static class AgentConstants
{
    public const int DefaultMaxIterations = 10;

    public const int DefaultMaxIdenticalToolCalls = 3;

    public const int DefaultToolMaxAttempts = 1;

    public const int DefaultContextExcerptTokens = 200;

    public static readonly TimeSpan DefaultToolTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultToolRetryDelay = TimeSpan.FromSeconds(1);
}
