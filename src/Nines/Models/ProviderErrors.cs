using System.ClientModel;
using System.Globalization;
using System.Net;
using Anthropic.Exceptions;

namespace Nines.Models;

/// <summary>
/// Reads the HTTP status and the <c>Retry-After</c> hint out of the exceptions that model providers throw, so a
/// retry policy can classify a failure without knowing which SDK produced it.
/// </summary>
/// <remarks>
/// Understands <see cref="ModelHttpException"/>, <see cref="HttpRequestException"/>,
/// <see cref="ClientResultException"/> (the OpenAI SDK), <see cref="AnthropicApiException"/> and
/// <see cref="AnthropicSseException"/> (the Anthropic SDK), and looks through inner exceptions
/// (including <see cref="AggregateException"/>) for any of them. Thread-safe.
/// </remarks>
public static class ProviderErrors
{
    /// <summary>The status Anthropic uses for "overloaded" (<c>overloaded_error</c>); it is not in <see cref="HttpStatusCode"/>.</summary>
    public const HttpStatusCode AnthropicOverloaded = (HttpStatusCode)529;

    internal const int MaxDepth = 8;

    /// <summary>Finds the HTTP status a provider answered with, and its <c>Retry-After</c> hint, in <paramref name="exception"/>.</summary>
    /// <param name="exception">The exception a model call threw.</param>
    /// <param name="status">The HTTP status, when the method returns <see langword="true"/>.</param>
    /// <param name="retryAfter">
    /// How long the server asked to wait (from <c>retry-after-ms</c> or <c>Retry-After</c>, in seconds or as an HTTP date),
    /// or <see langword="null"/> when it did not say or the exception does not carry response headers.
    /// </param>
    /// <param name="timeProvider">The clock used to turn an HTTP-date <c>Retry-After</c> into a delay. The default value is <see cref="TimeProvider.System"/>.</param>
    /// <returns><see langword="true"/> when an HTTP status was found; <see langword="false"/> for failures without a response (such as a refused connection or a timeout).</returns>
    public static bool TryGetStatus(Exception exception, out HttpStatusCode status, out TimeSpan? retryAfter, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        timeProvider ??= TimeProvider.System;
        return TryGetStatusCore(exception, timeProvider, 0, out status, out retryAfter);
    }

    /// <summary>
    /// Finds a transport failure without an HTTP response (connection refused or reset, DNS, TLS, a response that ended
    /// early) in <paramref name="exception"/> or its inner exceptions. Both SDKs wrap these: the OpenAI SDK in a
    /// <see cref="ClientResultException"/> with status 0, the Anthropic SDK in an <see cref="AnthropicIOException"/>.
    /// </summary>
    /// <param name="exception">The exception a model call threw.</param>
    /// <param name="error">The transport error, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when an <see cref="HttpRequestException"/> without a status code was found.</returns>
    public static bool TryGetTransportError(Exception exception, out HttpRequestError error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { StatusCode: null } http)
            {
                error = http.HttpRequestError;
                return true;
            }

            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (TryGetTransportError(inner, out error))
                    {
                        return true;
                    }
                }

                break;
            }
        }

        error = HttpRequestError.Unknown;
        return false;
    }

    /// <summary>Parses a <c>Retry-After</c> header value: delay-seconds (such as <c>"2"</c> or <c>"1.5"</c>) or an HTTP date.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="timeProvider">The clock used for the HTTP-date form. The default value is <see cref="TimeProvider.System"/>.</param>
    /// <returns>The delay (never negative), or <see langword="null"/> when the value is missing or not understood.</returns>
    public static TimeSpan? ParseRetryAfter(string? value, TimeProvider? timeProvider = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var delay = date - (timeProvider ?? TimeProvider.System).GetUtcNow();
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Reads the retry hint from response headers: <c>retry-after-ms</c> (OpenAI, Azure) first, then <c>Retry-After</c>.</summary>
    /// <param name="getHeader">Returns a header's value by name, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for the HTTP-date form.</param>
    /// <returns>The delay, or <see langword="null"/>.</returns>
    internal static TimeSpan? ReadRetryAfter(Func<string, string?> getHeader, TimeProvider timeProvider)
    {
        foreach (var name in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            var ms = getHeader(name);
            if (ms is not null && double.TryParse(ms.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var milliseconds) &&
                milliseconds >= 0 && milliseconds < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        return ParseRetryAfter(getHeader("Retry-After"), timeProvider);
    }

    private static bool TryGetStatusCore(Exception exception, TimeProvider timeProvider, int depth, out HttpStatusCode status, out TimeSpan? retryAfter)
    {
        status = default;
        retryAfter = null;
        if (depth > MaxDepth)
        {
            return false;
        }

        switch (exception)
        {
            case ModelHttpException { StatusCode: { } modelStatus } model:
                status = modelStatus;
                retryAfter = model.RetryAfter;
                return true;

            case HttpRequestException { StatusCode: { } httpStatus }:
                status = httpStatus;
                return true;

            case ClientResultException clientResult when clientResult.Status > 0:
                status = (HttpStatusCode)clientResult.Status;
                var raw = clientResult.GetRawResponse();
                if (raw is not null)
                {
                    retryAfter = ReadRetryAfter(name => raw.Headers.TryGetValue(name, out var v) ? v : null, timeProvider);
                }

                return true;

            case AnthropicApiException anthropic:
                status = anthropic.StatusCode;
                return true;

            case AnthropicSseException sse when MapSseError(sse) is { } sseStatus:
                // An error event inside a 200 stream: the status is implied by the error type.
                status = sseStatus;
                return true;

            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (TryGetStatusCore(inner, timeProvider, depth + 1, out status, out retryAfter))
                    {
                        return true;
                    }
                }

                return false;
        }

        return exception.InnerException is { } next && TryGetStatusCore(next, timeProvider, depth + 1, out status, out retryAfter);
    }

    private static HttpStatusCode? MapSseError(AnthropicSseException exception)
    {
        string? type;
        try
        {
            type = exception.Type?.Raw();
        }
        catch (Exception ex) when (ex is AnthropicInvalidDataException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return null;
        }

        return type switch
        {
            "rate_limit_error" => HttpStatusCode.TooManyRequests,
            "overloaded_error" => AnthropicOverloaded,
            "api_error" => HttpStatusCode.InternalServerError,
            "timeout_error" => HttpStatusCode.GatewayTimeout,
            _ => null,
        };
    }
}
