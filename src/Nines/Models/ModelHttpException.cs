using System.Net;

namespace Nines.Models;

/// <summary>
/// An HTTP-level failure of a model call that carries what a retry policy needs: the status code and the
/// server's <c>Retry-After</c> hint.
/// </summary>
/// <remarks>
/// Thrown by Nines' own providers and by chaos injection; the resilience layer also understands the
/// exceptions of the OpenAI and Anthropic SDKs and plain <see cref="HttpRequestException"/>s.
/// </remarks>
public class ModelHttpException : HttpRequestException
{
    /// <summary>Creates an exception for an HTTP status returned by a model endpoint.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> when no response arrived.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c> hint, if it sent one.</param>
    /// <param name="httpRequestError">The transport error, for failures without a response.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public ModelHttpException(
        string message,
        HttpStatusCode? statusCode,
        TimeSpan? retryAfter = null,
        HttpRequestError httpRequestError = HttpRequestError.Unknown,
        Exception? inner = null)
        : base(httpRequestError, message, inner, statusCode)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an exception with a message only.</summary>
    /// <param name="message">What happened.</param>
    public ModelHttpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="inner">The underlying exception.</param>
    public ModelHttpException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates an exception with no message.</summary>
    public ModelHttpException()
    {
    }

    /// <summary>Gets how long the server asked the client to wait before retrying, if it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
