using System.Reflection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Nines.Tools;

namespace Nines.Mcp;

/// <summary>
/// Connections to one or more MCP servers, with each server's tools and the <see cref="ToolPolicy"/> Nines derived for
/// them: put the policies in a <see cref="ToolPolicyOptions"/> with <see cref="AddPolicies"/>, then give the model the
/// tools through <see cref="Protect"/>.
/// </summary>
/// <remarks>
/// <para>
/// The policy runs in this process, before a call is sent: a refused call never reaches the server. What the policy
/// starts from, the tools' annotations, is a claim by the server; a hostile server can call a destructive tool
/// read-only. Override the capabilities of servers you do not trust (<see cref="McpServerOptions.TrustAnnotations"/>,
/// <see cref="McpServerOptions.Defaults"/>). See docs/mcp.md.
/// </para>
/// <para>
/// The tool list is read once, at connection; a server that changes its tools later is not re-read. Dispose the source
/// to close the connections (and stop stdio servers); tools called after that fail.
/// Thread-safe for concurrent tool calls; <see cref="DisposeAsync"/> must not race with them.
/// </para>
/// </remarks>
public sealed class McpToolSource : IAsyncDisposable
{
    private readonly List<McpClient> _clients;
    private int _disposed;

    private McpToolSource(List<McpClient> clients, IReadOnlyList<McpToolInfo> tools)
    {
        _clients = clients;
        Tools = tools;
        Functions = [.. tools.Select(t => t.Function)];
    }

    /// <summary>Gets every tool of every server, in server order and then in the order each server listed them.</summary>
    public IReadOnlyList<McpToolInfo> Tools { get; }

    /// <summary>Gets the raw, unguarded tools, named as in <see cref="Tools"/>; pass them to <see cref="ToolSession.Protect(IEnumerable{AIFunction})"/>.</summary>
    public IReadOnlyList<AIFunction> Functions { get; }

    /// <summary>Connects to one MCP server and reads its tools.</summary>
    /// <param name="server">The server.</param>
    /// <param name="loggerFactory">Logging for the MCP client; <see langword="null"/> logs nothing.</param>
    /// <param name="cancellationToken">A token to cancel connecting.</param>
    /// <returns>The connected source; dispose it to close the connection.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="InvalidOperationException">The server could not be reached, or its tools do not match the configuration.</exception>
    public static Task<McpToolSource> ConnectAsync(McpServerOptions server, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        return ConnectAsync([server], loggerFactory, cancellationToken);
    }

    /// <summary>Connects to MCP servers, one after another, and reads their tools.</summary>
    /// <param name="servers">The servers; their names must differ.</param>
    /// <param name="loggerFactory">Logging for the MCP clients; <see langword="null"/> logs nothing.</param>
    /// <param name="cancellationToken">A token to cancel connecting.</param>
    /// <returns>The connected source; dispose it to close the connections.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="InvalidOperationException">
    /// A server could not be reached, two servers offer a tool of the same name, or a per-tool entry names a tool its
    /// server does not offer. Connections already made are closed before this is thrown.
    /// </exception>
    public static async Task<McpToolSource> ConnectAsync(
        IEnumerable<McpServerOptions> servers, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var list = servers.ToList();
        Validate(list);

        var clients = new List<McpClient>(list.Count);
        var tools = new List<McpToolInfo>();
        try
        {
            foreach (var server in list)
            {
                var (client, listed) = await ConnectOneAsync(server, loggerFactory, cancellationToken).ConfigureAwait(false);
                clients.Add(client);
                foreach (var tool in listed)
                {
                    var name = (server.ToolNamePrefix ?? string.Empty) + tool.Name;
                    var resolved = McpToolPolicyResolver.Resolve(server, tool.ProtocolTool);
                    AIFunction function = server.ToolNamePrefix is null ? tool : tool.WithName(name);
                    tools.Add(new McpToolInfo(
                        name, server.Name, tool.ProtocolTool, function, resolved.Capabilities, resolved.Verdict, resolved.Rules, resolved.RateLimit, resolved.Derivation));
                }
            }

            CheckToolsMatchConfiguration(list, tools);
            return new McpToolSource(clients, tools);
        }
        catch
        {
            await DisposeAllAsync(clients).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds a policy for every tool to <paramref name="options"/>, keyed by <see cref="McpToolInfo.Name"/>.</summary>
    /// <param name="options">The options a <see cref="ToolGuard"/> will be built from.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="options"/> already has a policy under one of the names; nothing is added. Two tools must not
    /// share a name: set <see cref="McpServerOptions.ToolNamePrefix"/>.
    /// </exception>
    public void AddPolicies(ToolPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clashes = Tools.Where(t => options.Tools.ContainsKey(t.Name)).ToList();
        if (clashes.Count > 0)
        {
            throw new ArgumentException(
                "ToolPolicyOptions.Tools already has a policy for " +
                string.Join(", ", clashes.Select(t => $"'{t.Name}' (offered by MCP server '{t.ServerName}')")) +
                ". Each tool name must be unique, or the guard would apply one policy to two tools: set ToolNamePrefix on the server, or rename the other tool.",
                nameof(options));
        }

        foreach (var tool in Tools)
        {
            options.Tools[tool.Name] = tool.CreatePolicy();
        }
    }

    /// <summary>Wraps every tool in <paramref name="session"/>'s policy and taint checks.</summary>
    /// <param name="session">The session, from a guard whose options went through <see cref="AddPolicies"/>.</param>
    /// <returns>The guarded tools, ready for <see cref="ChatOptions.Tools"/> or the agent runner.</returns>
    public IList<AITool> Protect(ToolSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Protect(Functions);
    }

    /// <summary>Closes every connection; stdio servers are asked to exit and stopped if they do not.</summary>
    /// <returns>A task that completes when every connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await DisposeAllAsync(_clients).ConfigureAwait(false);
        }
    }

    private static void Validate(List<McpServerOptions> servers)
    {
        var problems = new List<string>();
        if (servers.Count == 0)
        {
            problems.Add("No MCP servers were given; pass at least one McpServerOptions.");
        }

        foreach (var server in servers)
        {
            if (server is null)
            {
                problems.Add("An entry in the list of MCP servers is null.");
                continue;
            }

            server.Validate(problems);
        }

        foreach (var name in servers.Where(s => s is not null && !string.IsNullOrWhiteSpace(s.Name))
            .GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add($"Two MCP servers are named '{name}'; give each a different Name.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The MCP server options are invalid: " + string.Join(" ", problems), nameof(servers));
        }
    }

    private static void CheckToolsMatchConfiguration(List<McpServerOptions> servers, List<McpToolInfo> tools)
    {
        var problems = new List<string>();
        foreach (var server in servers)
        {
            var offered = tools.Where(t => t.ServerName == server.Name).Select(t => t.ServerToolName).ToHashSet(StringComparer.Ordinal);
            foreach (var configured in server.Tools.Keys.Where(k => !offered.Contains(k)))
            {
                problems.Add(
                    $"MCP server '{server.Name}' has configuration for tool '{configured}', but the server does not offer it " +
                    $"(it offers: {(offered.Count == 0 ? "no tools" : string.Join(", ", offered.Order(StringComparer.Ordinal)))}); fix the name or remove the entry.");
            }
        }

        foreach (var group in tools.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var owners = group.Select(t => t.ServerName).Distinct(StringComparer.Ordinal).ToList();
            problems.Add(owners.Count > 1
                ? $"Tool '{group.Key}' is offered by MCP servers {string.Join(" and ", owners.Select(o => $"'{o}'"))}; one name cannot have two policies. " +
                  $"Set ToolNamePrefix on one of them (for example '{McpConstants.SuggestPrefix(owners[^1])}')."
                : $"MCP server '{owners[0]}' lists tool '{group.Key}' more than once; the server is broken or its prefix makes two names equal.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The MCP servers' tools do not match the configuration: " + string.Join(" ", problems));
        }
    }

    private static async Task<(McpClient Client, IList<McpClientTool> Tools)> ConnectOneAsync(
        McpServerOptions server, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        var stderr = new Queue<string>();
        IClientTransport transport = server.Command is not null
            ? new StdioClientTransport(StdioOptions(server, stderr), loggerFactory)
            : new HttpClientTransport(
                new HttpClientTransportOptions
                {
                    Name = server.Name,
                    Endpoint = server.Endpoint!,
                    TransportMode = HttpTransportMode.StreamableHttp,
                    AdditionalHeaders = new Dictionary<string, string>(server.Headers, StringComparer.OrdinalIgnoreCase),
                },
                loggerFactory);
        var clientOptions = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "Nines", Version = ClientVersion },

            // No sampling, roots or elicitation: a server cannot ask this process's model to generate text, learn its
            // directories or prompt its user. Only tools are used.
            Capabilities = new ClientCapabilities(),
            InitializationTimeout = server.ConnectTimeout,
        };

        // The timeout guards the whole connection (process start, handshake, tool list), not only the handshake the SDK times.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(server.ConnectTimeout);
        McpClient? client = null;
        try
        {
            client = await McpClient.CreateAsync(transport, clientOptions, loggerFactory, timeout.Token).ConfigureAwait(false);
            var tools = await client.ListToolsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            return (client, tools);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (client is not null)
            {
                await DisposeAllAsync([client]).ConfigureAwait(false);
            }

            var what = ex is OperationCanceledException
                ? $"did not connect and list its tools within {server.ConnectTimeout}"
                : $"failed to connect or list its tools: {ex.GetType().Name}: {ex.Message.TrimEnd('.')}";
            string tail;
            lock (stderr)
            {
                tail = stderr.Count == 0 ? string.Empty : " Its last standard-error lines: " + string.Join(" | ", stderr);
            }

            var fix = server.Command is not null
                ? "Check that the command runs on its own, with the same arguments, from a shell."
                : "Check that the server is running and that the URL is its MCP endpoint (often ending in /mcp).";
            throw new InvalidOperationException($"{server.Describe()} {what}.{tail} {fix}", ex);
        }
        catch
        {
            if (client is not null)
            {
                await DisposeAllAsync([client]).ConfigureAwait(false);
            }

            throw;
        }
    }

    private static StdioClientTransportOptions StdioOptions(McpServerOptions server, Queue<string> stderr)
    {
        var environment = server.InheritEnvironment ? new Dictionary<string, string?>(StringComparer.Ordinal) : StdioClientTransportOptions.GetDefaultEnvironmentVariables();
        foreach (var (key, value) in server.EnvironmentVariables)
        {
            environment[key] = value;
        }

        return new StdioClientTransportOptions
        {
            Name = server.Name,
            Command = server.Command!,
            Arguments = [.. server.Arguments],
            WorkingDirectory = server.WorkingDirectory,
            InheritEnvironmentVariables = server.InheritEnvironment,
            EnvironmentVariables = environment,
            StandardErrorLines = line =>
            {
                lock (stderr)
                {
                    stderr.Enqueue(line);
                    while (stderr.Count > McpConstants.StandardErrorLinesKept)
                    {
                        stderr.Dequeue();
                    }
                }
            },
        };
    }

    private static async Task DisposeAllAsync(List<McpClient> clients)
    {
        foreach (var client in clients)
        {
            try
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Closing is best effort: one server failing to close must not leave the others open.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private static string ClientVersion =>
        typeof(McpToolSource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
