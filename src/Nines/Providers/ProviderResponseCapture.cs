using System.Net;

namespace Nines.Providers;

/// <summary>
/// What the HTTP layer saw of the last failed response of one model call (status, <c>Retry-After</c>), for SDKs whose
/// exceptions do not carry the response headers. One instance per call, reached through an <see cref="AsyncLocal{T}"/>.
/// </summary>
internal sealed class ProviderResponseCapture
{
    private static readonly AsyncLocal<ProviderResponseCapture?> _current = new();

    public static ProviderResponseCapture? Current => _current.Value;

    public HttpStatusCode? Status { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public static ProviderResponseCapture Begin()
    {
        var capture = new ProviderResponseCapture();
        _current.Value = capture;
        return capture;
    }

    public static void Resume(ProviderResponseCapture capture) => _current.Value = capture;

    public void Record(HttpStatusCode status, TimeSpan? retryAfter)
    {
        Status = status;
        RetryAfter = retryAfter;
    }
}
