using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nines.Tests.Fakes;

/// <summary>
/// A local HTTP/1.1 server on 127.0.0.1 and an ephemeral port that answers each request with the next scripted
/// <see cref="FakeHttpReply"/> and records what it received. Built on <see cref="HttpListener"/>.
/// </summary>
public sealed class FakeHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<FakeHttpReply> _replies = new();
    private readonly ConcurrentQueue<RecordedHttpRequest> _requests = new();
    private readonly ConcurrentBag<HttpListenerContext> _open = [];
    private readonly SemaphoreSlim _received = new(0);
    private readonly Task _loop;

    public FakeHttpServer()
    {
        (_listener, BaseUrl) = StartListener();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The server's root, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The reply used when the script is empty. The default is a 500 saying so.</summary>
    public FakeHttpReply? DefaultReply { get; set; }

    public IReadOnlyList<RecordedHttpRequest> Requests => [.. _requests];

    /// <summary>Waits until one more request has been recorded (counting from the last wait).</summary>
    public Task WaitForRequestAsync(TimeSpan timeout) => _received.WaitAsync(timeout).ContinueWith(
        t => t.Result ? Task.CompletedTask : throw new TimeoutException($"The fake server received no request within {timeout}."),
        TaskScheduler.Default).Unwrap();

    public void Enqueue(params FakeHttpReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var context in _open)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stopping.Dispose();
        _received.Dispose();
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on (for connection-refused tests).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static (HttpListener Listener, Uri BaseUrl) StartListener()
    {
        for (var attempt = 0; ; attempt++)
        {
            // HttpListener cannot bind port 0, so borrow a free port from the OS first.
            var port = FreePort();

            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(baseUrl.ToString());
            try
            {
                listener.Start();
                return (listener, baseUrl);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string? name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = request.Headers[name] ?? "";
            }
        }

        _requests.Enqueue(new RecordedHttpRequest(request.HttpMethod, request.Url?.AbsolutePath ?? "", headers, body));
        _received.Release();

        var reply = _replies.TryDequeue(out var next)
            ? next
            : DefaultReply ?? FakeHttpReply.Json("""{"error":{"message":"the fake server has no scripted reply left"}}""", 500);

        var response = context.Response;
        try
        {
            if (reply.Hang)
            {
                _open.Add(context);
                await Task.Delay(Timeout.Infinite, _stopping.Token);
                return;
            }

            response.StatusCode = reply.Status;
            response.ContentType = reply.ContentType;
            foreach (var (name, value) in reply.Headers)
            {
                response.Headers[name] = value;
            }

            if (reply.SseFrames is { } frames)
            {
                response.SendChunked = true;
                response.Headers["Cache-Control"] = "no-cache";
                foreach (var frame in frames)
                {
                    var bytes = Encoding.UTF8.GetBytes(frame);
                    await response.OutputStream.WriteAsync(bytes, _stopping.Token);
                    await response.OutputStream.FlushAsync(_stopping.Token);
                }
            }
            else
            {
                var bytes = Encoding.UTF8.GetBytes(reply.Body);
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes, _stopping.Token);
            }

            response.Close();
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away or the server is stopping.
        }
    }
}
