using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nines.Tests.Mcp;

/// <summary>The real server-everything in its streamable HTTP mode on a free loopback port, stopped on dispose.</summary>
internal sealed class EverythingHttpServer : IAsyncDisposable
{
    private readonly Process _process;

    private EverythingHttpServer(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<EverythingHttpServer> StartAsync(McpServersFixture servers)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(servers.NodePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(servers.EverythingServerScript);
        start.ArgumentList.Add("streamableHttp");
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new List<string>();
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.Add(e.Data);
            }

            if (e.Data.Contains($"listening on port {port}", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var ready = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (ready != listening.Task)
        {
            var server = new EverythingHttpServer(process, new Uri("http://127.0.0.1/"));
            await server.DisposeAsync();
            string lines;
            lock (log)
            {
                lines = string.Join(" | ", log);
            }

            Assert.Fail($"server-everything did not start listening on port {port} within 60 s: {lines}");
        }

        return new EverythingHttpServer(process, new Uri($"http://127.0.0.1:{port}/mcp"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
