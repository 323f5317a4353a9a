using System.Diagnostics;
using System.Text;

namespace Nines.Tests.Mcp;

/// <summary>
/// Installs the real MCP servers from npm once per test run, into a folder keyed by their versions (reused by later
/// runs, so only the first run on a machine pays for the download). Needs node and npm on PATH. Without them, or when
/// the install fails, the MCP tests skip locally and fail in CI (CI=true), with the reason.
/// </summary>
public sealed class McpServersFixture : IAsyncLifetime
{
    // Pinned: the tests assert on these servers' tool names and annotations. Versions from the npm registry's listing.
    public const string FilesystemPackage = "@modelcontextprotocol/server-filesystem";
    public const string FilesystemVersion = "2026.8.31";
    public const string EverythingPackage = "@modelcontextprotocol/server-everything";
    public const string EverythingVersion = "2026.8.31";

    private static readonly TimeSpan _installTimeout = TimeSpan.FromMinutes(5);

    public string? Problem { get; private set; }

    public string NodePath { get; private set; } = string.Empty;

    public string FilesystemServerScript { get; private set; } = string.Empty;

    public string EverythingServerScript { get; private set; } = string.Empty;

    public string InstallDirectory { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        try
        {
            await InstallAsync();
        }
        catch (Exception ex)
        {
            Problem = $"Installing the MCP test servers failed: {ex.GetType().Name}: {ex.Message}";
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Skips the test (locally) or fails it (CI=true) when the servers are not installed.</summary>
    public void RequireServers()
    {
        if (Problem is null)
        {
            return;
        }

        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), Problem);
        Skip.If(true, Problem);
    }

    private async Task InstallAsync()
    {
        var node = FindOnPath(OperatingSystem.IsWindows() ? ["node.exe"] : ["node"]);
        var npm = FindOnPath(OperatingSystem.IsWindows() ? ["npm.cmd"] : ["npm"]);
        if (node is null || npm is null)
        {
            Problem = $"Node.js was not found on PATH (node: {node ?? "missing"}, npm: {npm ?? "missing"}); install Node.js 20 or later with npm " +
                "(Debian: 'apt-get install -y nodejs npm') to run the MCP integration tests.";
            return;
        }

        NodePath = node;
        var root = Path.Combine(Path.GetTempPath(), "nines-mcp-servers", $"filesystem-{FilesystemVersion}-everything-{EverythingVersion}");
        InstallDirectory = root;
        FilesystemServerScript = Path.Combine(root, "node_modules", "@modelcontextprotocol", "server-filesystem", "dist", "index.js");
        EverythingServerScript = Path.Combine(root, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        var marker = Path.Combine(root, ".installed");
        if (File.Exists(marker) && File.Exists(FilesystemServerScript) && File.Exists(EverythingServerScript))
        {
            return;
        }

        // Install into a staging folder and move it into place, so an interrupted install is never mistaken for a good one.
        var staging = root + ".staging-" + Environment.ProcessId;
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(
            Path.Combine(staging, "package.json"),
            $$"""{ "name": "nines-mcp-test-servers", "private": true, "dependencies": { "{{FilesystemPackage}}": "{{FilesystemVersion}}", "{{EverythingPackage}}": "{{EverythingVersion}}" } }""");
        var (exitCode, output) = await RunAsync(npm, staging, "install", "--no-audit", "--no-fund", "--loglevel=error");
        if (exitCode != 0)
        {
            Problem = $"'npm install {FilesystemPackage}@{FilesystemVersion} {EverythingPackage}@{EverythingVersion}' in {staging} exited with {exitCode}: {Tail(output)}";
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(staging, ".installed"), $"{FilesystemVersion} {EverythingVersion}");
        try
        {
            if (Directory.Exists(root) && !File.Exists(marker))
            {
                Directory.Delete(root, recursive: true); // a broken earlier install
            }

            Directory.CreateDirectory(Path.GetDirectoryName(root)!);
            Directory.Move(staging, root);
        }
        catch (IOException) when (File.Exists(marker))
        {
            // Another test run (another checkout on this machine) finished the same install first: use theirs.
            Directory.Delete(staging, recursive: true);
        }

        if (!File.Exists(FilesystemServerScript) || !File.Exists(EverythingServerScript))
        {
            Problem = $"npm install finished, but {FilesystemServerScript} or {EverythingServerScript} is missing; the packages' layout changed.";
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(_installTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {_installTimeout}. {await error}");
        }

        return (process.ExitCode, new StringBuilder().Append(await output).Append(await error).ToString());
    }

    private static string? FindOnPath(string[] names) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    private static string Tail(string text) => text.Length <= 2000 ? text.Trim() : "…" + text[^2000..].Trim();
}

[CollectionDefinition(Name)]
public sealed class McpServersCollection : ICollectionFixture<McpServersFixture>
{
    public const string Name = "mcp-servers";
}
