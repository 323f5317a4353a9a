using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Nines.Tests.Workflows.Durability;

/// <summary>
/// A payment service on 127.0.0.1 in the test process, so it outlives the killed workers: <c>POST /pay</c> with
/// <c>{key, runId, amount}</c> applies a payment once per idempotency key (a repeated key gets the same receipt and is
/// not applied again) and records every request.
/// </summary>
internal sealed class FakePaymentService : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _receipts = new(StringComparer.Ordinal);
    private readonly List<PaymentRequest> _requests = [];
    private readonly Task _serving;

    public FakePaymentService()
    {
        Port = FreePort();
        Url = new Uri($"http://127.0.0.1:{Port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    /// <summary>How long after applying a payment the service answers.</summary>
    public TimeSpan ResponseDelay { get; init; } = TimeSpan.FromMilliseconds(40);

    public Uri Url { get; }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<PaymentRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
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
        var response = context.Response;
        try
        {
            if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath != "/pay")
            {
                response.StatusCode = 404;
                return;
            }

            var body = await JsonSerializer.DeserializeAsync<PayBody>(context.Request.InputStream, JsonSerializerOptions.Web);
            if (body is null || string.IsNullOrEmpty(body.Key) || string.IsNullOrEmpty(body.RunId))
            {
                response.StatusCode = 400;
                return;
            }

            string receipt;
            bool applied;
            lock (_lock)
            {
                applied = !_receipts.TryGetValue(body.Key, out var existing);
                receipt = existing ?? $"rcpt-{_receipts.Count + 1:D4}";
                _receipts[body.Key] = receipt;
                _requests.Add(new PaymentRequest(body.Key, body.RunId, body.Amount, applied, receipt));
            }

            // Answer a little later than the payment is applied: a worker killed in this window has paid but not
            // journaled the payment, so its successor must send the same key again.
            await Task.Delay(ResponseDelay);
            response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(response.OutputStream, new { receipt, applied }, JsonSerializerOptions.Web);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or JsonException)
        {
            // The worker was killed mid-request; its retry (same key) is what matters.
            response.StatusCode = 500;
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    private sealed record PayBody(string Key, string RunId, decimal Amount);
}
