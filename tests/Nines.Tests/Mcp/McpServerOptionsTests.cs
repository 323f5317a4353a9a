using Nines.Mcp;
using Nines.Tools;

namespace Nines.Tests.Mcp;

public class McpServerOptionsTests
{
    [Fact]
    public async Task ConnectAsync_InvalidOptions_ReportsEveryProblemBeforeStartingAnything()
    {
        var noTransport = new McpServerOptions { Name = "a" };
        var both = McpServerOptions.Stdio("b", "node", "server.js");
        both.Endpoint = new Uri("http://localhost:3001/mcp");
        var badPrefix = McpServerOptions.Http("c", new Uri("ftp://example.invalid/mcp"));
        badPrefix.ToolNamePrefix = "c.";
        badPrefix.EnvironmentVariables["X"] = "1";
        var badOverride = McpServerOptions.Stdio("d", "node");
        badOverride.Tool("t").RateLimit = new ToolRateLimit(0, TimeSpan.FromMinutes(1));
        var duplicate = McpServerOptions.Stdio("d", "node");
        var unnamed = McpServerOptions.Stdio(" ", "node");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => McpToolSource.ConnectAsync([noTransport, both, badPrefix, badOverride, duplicate, unnamed]));

        Assert.Contains("MCP server 'a' has no transport; set Command (stdio) or Endpoint (HTTP).", error.Message, StringComparison.Ordinal);
        Assert.Contains("MCP server 'b' has both Command (node) and Endpoint (http://localhost:3001/mcp); set only one.", error.Message, StringComparison.Ordinal);
        Assert.Contains("it must be an absolute http:// or https:// URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("ToolNamePrefix 'c.'; use letters, digits, '_' and '-' only (for example 'c_')", error.Message, StringComparison.Ordinal);
        Assert.Contains("only apply to stdio servers", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tools['t'].RateLimit is 0 per 00:01:00; both must be positive.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Two MCP servers are named 'd'", error.Message, StringComparison.Ordinal);
        Assert.Contains("An MCP server has no Name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_NoServers_Throws()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => McpToolSource.ConnectAsync(Array.Empty<McpServerOptions>()));

        Assert.Contains("No MCP servers were given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_CommandThatDoesNotExist_FailsNamingTheServerAndCommand()
    {
        var server = McpServerOptions.Stdio("ghost", "/nonexistent/nines-mcp-server");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpToolSource.ConnectAsync(server));

        Assert.StartsWith("MCP server 'ghost' (stdio: /nonexistent/nines-mcp-server) failed to connect", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check that the command runs on its own", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_HttpEndpointWithNothingListening_FailsNamingTheEndpoint()
    {
        // Port 9 (discard) on loopback: nothing listens there in the test environment, so the connection is refused at once.
        var server = McpServerOptions.Http("nowhere", new Uri("http://127.0.0.1:9/mcp"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => McpToolSource.ConnectAsync(server));

        Assert.StartsWith("MCP server 'nowhere' (HTTP: http://127.0.0.1:9/mcp) failed to connect", error.Message, StringComparison.Ordinal);
        Assert.Contains("often ending in /mcp", error.Message, StringComparison.Ordinal);
    }
}
