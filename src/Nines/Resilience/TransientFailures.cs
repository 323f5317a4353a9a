using System.ClientModel;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Anthropic.Exceptions;
using Nines.Models;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Nines.Resilience;

/// <summary>
/// Classifies the exceptions of model calls into the shared <see cref="FailureCategory"/> vocabulary and
/// decides which of them are worth retrying.
/// </summary>
/// <remarks>
/// Understands <see cref="ModelHttpException"/>, plain <see cref="HttpRequestException"/>, the OpenAI SDK's
/// <see cref="ClientResultException"/>, the Anthropic SDK's <see cref="AnthropicApiException"/>, Polly's
/// timeout, circuit-breaker and rate-limiter exceptions, and — through a small reflection adapter — any other
/// exception that exposes an integer or <see cref="HttpStatusCode"/> property named <c>StatusCode</c> or
/// <c>Status</c>. Wrapped exceptions are looked through (inner exceptions, single-item aggregates).
/// All members are thread-safe.
/// </remarks>
public static class TransientFailures
{
    private const int MaxDepth = 8;
    private static readonly ConcurrentDictionary<Type, Func<Exception, int?>?> _statusAdapters = new();

    /// <summary>Returns the failure category of <paramref name="exception"/>.</summary>
    /// <param name="exception">The exception a model call threw.</param>
    /// <returns>The category; <see cref="FailureCategory.Other"/> when nothing more specific applies.</returns>
    public static FailureCategory Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // Polly's and Nines' own exceptions say what they are; look at them before any status code.
        var level = 0;
        for (Exception? e = exception; e is not null && level < MaxDepth; e = Unwrap(e), level++)
        {
            switch (e)
            {
                case StreamInterruptedException when e.InnerException is not null:
                    return Classify(e.InnerException);
                case TimeoutRejectedException:
                    return FailureCategory.Timeout;
                case BrokenCircuitException:
                    return FailureCategory.CircuitOpen;
                case RateLimiterRejectedException:
                    return FailureCategory.RateLimiterRejected;
                default:
                    break;
            }
        }

        if (GetStatusCode(exception) is int status)
        {
            return status switch
            {
                429 => FailureCategory.RateLimited,
                408 => FailureCategory.ServerError,
                >= 500 and <= 599 => FailureCategory.ServerError,
                >= 400 and <= 499 => FailureCategory.BadRequest,
                _ => FailureCategory.Other,
            };
        }

        var depth = 0;
        for (Exception? e = exception; e is not null && depth < MaxDepth; e = Unwrap(e), depth++)
        {
            switch (e)
            {
                case TimeoutRejectedException:
                case TimeoutException:
                    return FailureCategory.Timeout;
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded }:
                case IOException:
                case SocketException:
                    return FailureCategory.ConnectionReset;
                default:
                    break;
            }
        }

        // HttpClient reports its own Timeout as a TaskCanceledException wrapping a TimeoutException (handled
        // above); any other cancellation is the caller's.
        return exception is OperationCanceledException ? FailureCategory.Canceled : FailureCategory.Other;
    }

    /// <summary>
    /// Returns whether <paramref name="exception"/> is transient: worth retrying on the same client or failing
    /// over to another (HTTP 408/429/5xx, timeouts, connection resets, an open circuit, a client-side rate-limiter
    /// rejection).
    /// </summary>
    /// <param name="exception">The exception a model call threw.</param>
    /// <returns><see langword="true"/> for transient failures; <see langword="false"/> for bad requests,
    /// cancellation by the caller, a stream interrupted after it was passed on, and anything unknown.</returns>
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is not StreamInterruptedException && IsTransient(Classify(exception));
    }

    /// <summary>Returns whether failures of <paramref name="category"/> are transient.</summary>
    /// <param name="category">The category.</param>
    /// <returns><see langword="true"/> for RateLimited, ServerError, Timeout, ConnectionReset, CircuitOpen and
    /// RateLimiterRejected.</returns>
    public static bool IsTransient(FailureCategory category) => category is FailureCategory.RateLimited
        or FailureCategory.ServerError
        or FailureCategory.Timeout
        or FailureCategory.ConnectionReset
        or FailureCategory.CircuitOpen
        or FailureCategory.RateLimiterRejected;

    /// <summary>Returns the HTTP status code carried by <paramref name="exception"/> or one of its inner exceptions.</summary>
    /// <param name="exception">The exception a model call threw.</param>
    /// <returns>The status code, or <see langword="null"/> when no response arrived or none is known.</returns>
    public static int? GetStatusCode(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // The providers' own error shapes (ModelHttpException, HttpRequestException, the OpenAI and Anthropic SDKs)
        // are read in one place, ProviderErrors; the adapter below covers SDKs this assembly does not know.
        if (ProviderErrors.TryGetStatus(exception, out var known, out _))
        {
            return (int)known;
        }

        var depth = 0;
        for (Exception? e = exception; e is not null && depth < MaxDepth; e = Unwrap(e), depth++)
        {
            if (e is OperationCanceledException or AggregateException)
            {
                continue;
            }

            if (_statusAdapters.GetOrAdd(e.GetType(), CreateStatusAdapter)?.Invoke(e) is int status and > 0)
            {
                return status;
            }
        }

        return null;
    }

    /// <summary>
    /// Returns how long the server asked the client to wait before retrying, from
    /// <see cref="ModelHttpException.RetryAfter"/>, <see cref="RateLimiterRejectedException.RetryAfter"/>, or the
    /// <c>retry-after-ms</c> / <c>Retry-After</c> (seconds or HTTP date) headers of a
    /// <see cref="ClientResultException"/>'s raw response (read by <see cref="ProviderErrors"/>).
    /// </summary>
    /// <param name="exception">The exception a model call threw.</param>
    /// <param name="timeProvider">The clock used to turn an HTTP-date <c>Retry-After</c> into a delay;
    /// <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The non-negative delay, or <see langword="null"/> when the server gave no hint.</returns>
    public static TimeSpan? GetRetryAfter(Exception exception, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        TimeSpan? hint = null;
        var depth = 0;
        for (Exception? e = exception; e is not null && depth < MaxDepth && hint is null; e = Unwrap(e), depth++)
        {
            hint = e switch
            {
                ModelHttpException m => m.RetryAfter,
                RateLimiterRejectedException r => r.RetryAfter,
                _ => null,
            };
        }

        if (hint is null && ProviderErrors.TryGetStatus(exception, out _, out var fromHeaders, timeProvider))
        {
            hint = fromHeaders;
        }

        return hint is { } value && value < TimeSpan.Zero ? TimeSpan.Zero : hint;
    }

    private static Exception? Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a
        ? a.InnerExceptions[0]
        : e.InnerException;

    // Adapter for SDK exceptions this assembly does not know: a public instance property StatusCode or Status of
    // type int, int?, HttpStatusCode or HttpStatusCode?. Built once per exception type.
    private static Func<Exception, int?>? CreateStatusAdapter(Type type)
    {
        foreach (var name in (string[])["StatusCode", "Status"])
        {
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (property is null || property.GetIndexParameters().Length != 0)
            {
                continue;
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType == typeof(int) || propertyType == typeof(HttpStatusCode))
            {
                return e => property.GetValue(e) switch
                {
                    int i => i,
                    HttpStatusCode s => (int)s,
                    _ => null,
                };
            }
        }

        return null;
    }
}
