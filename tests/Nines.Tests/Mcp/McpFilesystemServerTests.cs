using Nines.Mcp;
using Nines.Tests.Tools;
using Nines.Tools;

namespace Nines.Tests.Mcp;

/// <summary>The real <c>@modelcontextprotocol/server-filesystem</c> over stdio, behind the Nines tool guard.</summary>
[Collection(McpServersCollection.Name)]
public sealed class McpFilesystemServerTests(McpServersFixture servers) : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("nines-mcp-fs-");

    private string Allowed => Path.Combine(_root.FullName, "allowed");

    private string Outside => Path.Combine(_root.FullName, "outside");

    public void Dispose() => _root.Delete(recursive: true);

    [SkippableFact]
    public async Task ConnectAsync_FilesystemServer_DerivesCapabilitiesAndVerdictsFromAnnotations()
    {
        servers.RequireServers();
        Directory.CreateDirectory(Allowed);
        await using var source = await McpToolSource.ConnectAsync(FilesystemServer(Allowed));

        // server-filesystem annotates read_text_file {readOnly, closed world}, write_file {destructive},
        // create_directory {not read-only, not destructive}.
        var read = source.Tools.Single(t => t.Name == "read_text_file");
        Assert.Equal(ToolCapabilities.None, read.Capabilities);
        Assert.Equal(ToolVerdict.Allow, read.Verdict);
        Assert.True(read.ProtocolTool.Annotations?.ReadOnlyHint);

        var write = source.Tools.Single(t => t.Name == "write_file");
        Assert.Equal(ToolCapabilities.ExternalEffect, write.Capabilities);
        Assert.Equal(ToolVerdict.RequireApproval, write.Verdict);
        Assert.Contains("destructive tool", write.Derivation, StringComparison.Ordinal);

        var mkdir = source.Tools.Single(t => t.Name == "create_directory");
        Assert.Equal(ToolCapabilities.ExternalEffect, mkdir.Capabilities);
        Assert.Equal(ToolVerdict.Allow, mkdir.Verdict);

        var options = new ToolPolicyOptions();
        source.AddPolicies(options);
        Assert.Equal(source.Tools.Count, options.Tools.Count);
        Assert.Equal(ToolVerdict.RequireApproval, options.Tools["write_file"].Verdict);
    }

    [SkippableFact]
    public async Task ReadTextFile_InsideAllowedDirectory_ReturnsTheContentThroughTheGuard()
    {
        servers.RequireServers();
        Directory.CreateDirectory(Allowed);
        await File.WriteAllTextAsync(Path.Combine(Allowed, "hello.txt"), "hello from the allowed directory");
        var server = FilesystemServer(Allowed);
        server.Tool("read_text_file").PathUnder("path", Allowed);
        await using var source = await McpToolSource.ConnectAsync(server);
        var audit = new InMemoryToolAuditSink();
        var options = new ToolPolicyOptions { AuditSink = audit };
        source.AddPolicies(options);
        var session = new ToolGuard(options).StartSession("test");
        var read = source.Protect(session).OfType<Microsoft.Extensions.AI.AIFunction>().Single(f => f.Name == "read_text_file");

        var result = await read.InvokeAsync(McpResults.Arguments(("path", Path.Combine(Allowed, "hello.txt"))));

        Assert.False(McpResults.IsError(result));
        Assert.Equal("hello from the allowed directory", McpResults.Text(result));
        var record = Assert.Single(audit.Records);
        Assert.Equal(ToolDecisionKind.Allowed, record.Decision);
        Assert.Equal("read_text_file", record.ToolName);
    }

    [SkippableFact]
    public async Task WriteFile_OutsideAllowedDirectory_IsRefusedBeforeReachingTheServer()
    {
        servers.RequireServers();
        Directory.CreateDirectory(Allowed);
        Directory.CreateDirectory(Outside);

        // The server itself may write to both directories; only the Nines policy keeps writes inside 'allowed'. So a
        // write to 'outside' that does not happen was stopped by Nines, not by the server's own root check.
        var server = FilesystemServer(Allowed, Outside);
        server.Tool("write_file").PathUnder("path", Allowed);
        await using var source = await McpToolSource.ConnectAsync(server);
        var approver = new RecordingApprover();
        var audit = new InMemoryToolAuditSink();
        var options = new ToolPolicyOptions { Approver = approver, AuditSink = audit };
        source.AddPolicies(options);
        var session = new ToolGuard(options).StartSession("test");
        var (counted, byName) = CountingAIFunction.Wrap(source.Functions);
        var write = session.Protect(counted).OfType<Microsoft.Extensions.AI.AIFunction>().Single(f => f.Name == "write_file");
        var evil = Path.Combine(Outside, "evil.txt");

        var refused = await write.InvokeAsync(McpResults.Arguments(("path", evil), ("content", "pwned")));

        var refusal = Assert.IsType<ToolRefusal>(refused);
        Assert.Contains($"'path' must be a path under {Allowed}", refusal.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(evil));
        Assert.Equal(0, byName["write_file"].Calls);            // nothing was sent to the server
        Assert.Empty(approver.Requests);                          // and no human was asked about a call that breaks a rule
        Assert.Equal(ToolDecisionKind.Denied, Assert.Single(audit.Records).Decision);

        // Control: the same server, called without the guard, does write outside 'allowed' — so the refusal above was the policy's.
        var control = Path.Combine(Outside, "control.txt");
        var unguarded = await byName["write_file"].InvokeAsync(McpResults.Arguments(("path", control), ("content", "the server accepts this directory")));
        Assert.False(McpResults.IsError(unguarded), McpResults.Text(unguarded));
        Assert.Equal("the server accepts this directory", await File.ReadAllTextAsync(control));

        // And a write inside 'allowed' passes the rule, is approved (write_file is destructive) and reaches the server.
        var inside = Path.Combine(Allowed, "ok.txt");
        var written = await write.InvokeAsync(McpResults.Arguments(("path", inside), ("content", "fine")));
        Assert.False(McpResults.IsError(written), McpResults.Text(written));
        Assert.Equal("fine", await File.ReadAllTextAsync(inside));
        Assert.Single(approver.Requests);
    }

    [SkippableFact]
    public async Task ConnectAsync_TwoServersWithTheSameTools_FailsUnlessPrefixed()
    {
        servers.RequireServers();
        Directory.CreateDirectory(Allowed);
        Directory.CreateDirectory(Outside);
        var first = FilesystemServer(Allowed);
        var second = FilesystemServer(Outside);
        second.Name = "filesystem-2";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpToolSource.ConnectAsync([first, second]));
        Assert.Contains("Tool 'read_text_file' is offered by MCP servers 'filesystem' and 'filesystem-2'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ToolNamePrefix", error.Message, StringComparison.Ordinal);

        second.ToolNamePrefix = "fs2_";
        await using var source = await McpToolSource.ConnectAsync([first, second]);
        Assert.Contains(source.Tools, t => t.Name == "fs2_read_text_file" && t.ServerToolName == "read_text_file" && t.ServerName == "filesystem-2");
        Assert.Contains(source.Functions, f => f.Name == "fs2_read_text_file");

        // The prefixed tool still calls the server's own tool name, and reaches the second server's directory.
        await File.WriteAllTextAsync(Path.Combine(Outside, "two.txt"), "second server");
        var result = await source.Functions.Single(f => f.Name == "fs2_read_text_file")
            .InvokeAsync(McpResults.Arguments(("path", Path.Combine(Outside, "two.txt"))));
        Assert.Equal("second server", McpResults.Text(result));
    }

    [SkippableFact]
    public async Task ConnectAsync_OverrideForAToolTheServerDoesNotOffer_FailsNamingTheOfferedTools()
    {
        servers.RequireServers();
        Directory.CreateDirectory(Allowed);
        var server = FilesystemServer(Allowed);
        server.Tool("read_fle").Verdict = ToolVerdict.Deny;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpToolSource.ConnectAsync(server));

        Assert.Contains("configuration for tool 'read_fle', but the server does not offer it", error.Message, StringComparison.Ordinal);
        Assert.Contains("read_text_file", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConnectAsync_ServerThatExitsAtStartup_FailsWithItsStandardError()
    {
        servers.RequireServers();
        var missing = Path.Combine(_root.FullName, "no-such-server.js");
        var server = McpServerOptions.Stdio("broken", servers.NodePath, missing);
        server.ConnectTimeout = TimeSpan.FromSeconds(30);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpToolSource.ConnectAsync(server));

        Assert.Contains("MCP server 'broken' (stdio: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cannot find module", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DisposeAsync_StdioServer_StopsTheServerProcess()
    {
        servers.RequireServers();
        Skip.IfNot(OperatingSystem.IsLinux(), "The check reads /proc.");
        Directory.CreateDirectory(Allowed);
        var source = await McpToolSource.ConnectAsync(FilesystemServer(Allowed));
        Assert.NotEmpty(ServerProcesses(Allowed));

        await source.DisposeAsync();

        Assert.Empty(ServerProcesses(Allowed));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await source.Functions.Single(f => f.Name == "list_allowed_directories").InvokeAsync(new Microsoft.Extensions.AI.AIFunctionArguments()));
    }

    private McpServerOptions FilesystemServer(params string[] roots) =>
        McpServerOptions.Stdio("filesystem", servers.NodePath, [servers.FilesystemServerScript, .. roots]);

    /// <summary>Live (not zombie) processes whose command line names <paramref name="marker"/>: the server started for this test.</summary>
    private static List<int> ServerProcesses(string marker) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : -1, Dir: d))
            .Where(p => p.Pid > 0)
            .Where(p =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(p.Dir, "cmdline")).Contains(marker, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            })
            .Select(p => p.Pid)];
}
