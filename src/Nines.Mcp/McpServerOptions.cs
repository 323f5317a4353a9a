using Nines.Tools;

namespace Nines.Mcp;

/// <summary>One MCP server to connect to, how to reach it, and how its tools are policed.</summary>
/// <remarks>
/// <para>
/// Set exactly one transport: <see cref="Command"/> (stdio: Nines starts the server as a child process) or
/// <see cref="Endpoint"/> (streamable HTTP). <see cref="Stdio"/> and <see cref="Http"/> create options for either.
/// </para>
/// <para>
/// Defaults, all overridable: capabilities come from the tool's MCP annotations through
/// <see cref="ToolCapabilityMapping.FromMcpAnnotations"/> (missing hints take MCP's defaults, so an unannotated tool is
/// [A]+[C]); a tool that is destructive (not read-only and <c>destructiveHint</c> true or missing) gets
/// <see cref="DestructiveVerdict"/>, <see cref="ToolVerdict.RequireApproval"/> unless changed; any other tool is allowed.
/// [B] is never derived: add it with <see cref="Defaults"/> or <see cref="Tools"/>.
/// </para>
/// </remarks>
public sealed class McpServerOptions
{
    /// <summary>Gets or sets the server's name, used in errors and in <see cref="McpToolInfo.ServerName"/>; it does not change tool names (see <see cref="ToolNamePrefix"/>).</summary>
    /// <value>The default value is an empty string, which is invalid: every server needs a name.</value>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the program that starts a stdio server, for example <c>node</c> or <c>npx</c>.</summary>
    /// <value>The default value is <see langword="null"/>: not a stdio server.</value>
    public string? Command { get; set; }

    /// <summary>Gets the arguments passed to <see cref="Command"/>.</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>Gets environment variables set for a stdio server, on top of those <see cref="InheritEnvironment"/> decides.</summary>
    /// <remarks>A <see langword="null"/> value removes the variable.</remarks>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether a stdio server inherits this process's whole environment.</summary>
    /// <value>
    /// The default value is <see langword="false"/>: the server gets only a curated set (PATH, HOME, USER, SHELL, TERM,
    /// LOGNAME; on Windows their equivalents) plus <see cref="EnvironmentVariables"/>, so API keys in this process's
    /// environment do not reach a third-party server.
    /// </value>
    public bool InheritEnvironment { get; set; }

    /// <summary>Gets or sets the working directory of a stdio server.</summary>
    /// <value>The default value is <see langword="null"/>: this process's current directory.</value>
    public string? WorkingDirectory { get; set; }

    /// <summary>Gets or sets the URL of a streamable HTTP server, for example <c>http://localhost:3001/mcp</c>.</summary>
    /// <value>The default value is <see langword="null"/>: not an HTTP server.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets HTTP headers sent with every request to an HTTP server, for example an authorization header.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets a prefix put before each of the server's tool names, such as <c>fs_</c>.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: tools keep the server's names, and a name two servers share is an
    /// error at connection time (set a prefix on one of them to resolve it).
    /// </value>
    /// <remarks>Model APIs commonly accept tool names made of letters, digits, <c>_</c> and <c>-</c>, up to 64 characters; the prefix must use only those.</remarks>
    public string? ToolNamePrefix { get; set; }

    /// <summary>Gets or sets whether the server's tool annotations are used to derive capabilities and verdicts.</summary>
    /// <value>
    /// The default value is <see langword="true"/>. Set it to <see langword="false"/> for a server you do not trust:
    /// every tool is then read as unannotated ([A]+[C], destructive), whatever the server claims.
    /// </value>
    public bool TrustAnnotations { get; set; } = true;

    /// <summary>Gets or sets the verdict for tools that are destructive by their annotations or by MCP's defaults.</summary>
    /// <value>The default value is <see cref="ToolVerdict.RequireApproval"/>: a person confirms deletes and overwrites.</value>
    public ToolVerdict DestructiveVerdict { get; set; } = ToolVerdict.RequireApproval;

    /// <summary>Gets the configuration applied to every tool of this server, before the per-tool entries in <see cref="Tools"/>.</summary>
    public McpToolOverride Defaults { get; } = new();

    /// <summary>Gets the per-tool configuration, keyed by the tool's name on the server (without <see cref="ToolNamePrefix"/>).</summary>
    /// <remarks>An entry for a tool the server does not list is an error at connection time, so a typo cannot leave a tool unconfigured.</remarks>
    public IDictionary<string, McpToolOverride> Tools { get; } = new Dictionary<string, McpToolOverride>(StringComparer.Ordinal);

    /// <summary>Gets or sets how long to wait for the server to start and answer the MCP handshake.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = McpConstants.DefaultConnectTimeout;

    /// <summary>Creates options for a server started as a child process and reached over stdio.</summary>
    /// <param name="name">The server's name.</param>
    /// <param name="command">The program to start.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The options.</returns>
    public static McpServerOptions Stdio(string name, string command, params IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var options = new McpServerOptions { Name = name, Command = command };
        foreach (var argument in arguments)
        {
            options.Arguments.Add(argument);
        }

        return options;
    }

    /// <summary>Creates options for a server reached over streamable HTTP.</summary>
    /// <param name="name">The server's name.</param>
    /// <param name="endpoint">The server's MCP endpoint.</param>
    /// <returns>The options.</returns>
    public static McpServerOptions Http(string name, Uri endpoint) => new() { Name = name, Endpoint = endpoint };

    /// <summary>Gets the tool's entry in <see cref="Tools"/>, adding an empty one if there is none.</summary>
    /// <param name="serverToolName">The tool's name on the server.</param>
    /// <returns>The entry, to configure further.</returns>
    public McpToolOverride Tool(string serverToolName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serverToolName);
        if (!Tools.TryGetValue(serverToolName, out var entry))
        {
            entry = new McpToolOverride();
            Tools[serverToolName] = entry;
        }

        return entry;
    }

    internal string Describe() =>
        Command is not null
            ? $"MCP server '{Name}' (stdio: {Command}{(Arguments.Count > 0 ? " " + string.Join(' ', Arguments) : string.Empty)})"
            : $"MCP server '{Name}' (HTTP: {Endpoint})";

    internal void Validate(List<string> problems)
    {
        var who = string.IsNullOrWhiteSpace(Name) ? "An MCP server with no name" : $"MCP server '{Name}'";
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("An MCP server has no Name; give each server a short name such as 'filesystem'.");
        }

        if (Command is null && Endpoint is null)
        {
            problems.Add($"{who} has no transport; set Command (stdio) or Endpoint (HTTP).");
        }
        else if (Command is not null && Endpoint is not null)
        {
            problems.Add($"{who} has both Command ({Command}) and Endpoint ({Endpoint}); set only one.");
        }

        if (Command is not null && string.IsNullOrWhiteSpace(Command))
        {
            problems.Add($"{who} has an empty Command; name the program that starts the server, such as 'node'.");
        }

        if (Arguments.Any(a => a is null))
        {
            problems.Add($"{who} has a null entry in Arguments.");
        }

        if (Endpoint is not null && (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"{who} has Endpoint '{Endpoint}'; it must be an absolute http:// or https:// URL.");
        }

        if (Command is null && (EnvironmentVariables.Count > 0 || WorkingDirectory is not null || InheritEnvironment))
        {
            problems.Add($"{who} sets EnvironmentVariables, WorkingDirectory or InheritEnvironment, which only apply to stdio servers; remove them or set Command.");
        }

        if (Endpoint is null && Headers.Count > 0)
        {
            problems.Add($"{who} sets Headers, which only apply to HTTP servers; remove them or set Endpoint.");
        }

        if (ToolNamePrefix is not null && (ToolNamePrefix.Length == 0 || !ToolNamePrefix.All(McpConstants.IsToolNameCharacter)))
        {
            problems.Add($"{who} has ToolNamePrefix '{ToolNamePrefix}'; use letters, digits, '_' and '-' only (for example '{McpConstants.SuggestPrefix(Name)}'), or null for no prefix.");
        }

        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            problems.Add($"{who} has ConnectTimeout {ConnectTimeout}; it must be positive.");
        }

        if (!Enum.IsDefined(DestructiveVerdict))
        {
            problems.Add($"{who} has DestructiveVerdict {(int)DestructiveVerdict}, which is not a ToolVerdict.");
        }

        ValidateOverride("Defaults", Defaults, problems, who);
        foreach (var (tool, entry) in Tools)
        {
            if (entry is null)
            {
                problems.Add($"{who} has a null entry for tool '{tool}' in Tools; remove it or give it an McpToolOverride.");
                continue;
            }

            ValidateOverride($"Tools['{tool}']", entry, problems, who);
        }
    }

    private static void ValidateOverride(string where, McpToolOverride entry, List<string> problems, string who)
    {
        const ToolCapabilities all = ToolCapabilities.UntrustedInput | ToolCapabilities.SensitiveData | ToolCapabilities.ExternalEffect;
        if (entry.Capabilities is { } capabilities && (capabilities & ~all) != 0)
        {
            problems.Add($"{who}: {where}.Capabilities is {(int)capabilities}, which has bits that are not ToolCapabilities.");
        }

        if ((entry.AddCapabilities & ~all) != 0)
        {
            problems.Add($"{who}: {where}.AddCapabilities is {(int)entry.AddCapabilities}, which has bits that are not ToolCapabilities.");
        }

        if (entry.Verdict is { } verdict && !Enum.IsDefined(verdict))
        {
            problems.Add($"{who}: {where}.Verdict is {(int)verdict}, which is not a ToolVerdict.");
        }

        if (entry.RateLimit is { } limit && (limit.PermitLimit <= 0 || limit.Window <= TimeSpan.Zero))
        {
            problems.Add($"{who}: {where}.RateLimit is {limit.PermitLimit} per {limit.Window}; both must be positive.");
        }

        if (entry.Rules.Any(r => r is null))
        {
            problems.Add($"{who}: {where}.Rules has a null rule.");
        }
    }
}
