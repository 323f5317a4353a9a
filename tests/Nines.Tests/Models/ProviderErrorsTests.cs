using System.Net;
using Anthropic.Exceptions;
using Microsoft.Extensions.Time.Testing;
using Nines.Models;

namespace Nines.Tests.Models;

public sealed class ProviderErrorsTests
{
    [Fact]
    public void TryGetStatus_ModelHttpException_ReturnsStatusAndRetryAfter()
    {
        var error = new ModelHttpException("busy", HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(3));

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(TimeSpan.FromSeconds(3), retryAfter);
    }

    [Fact]
    public void TryGetStatus_HttpRequestExceptionWithStatus_ReturnsStatusWithoutHint()
    {
        var error = new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway);

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Null(retryAfter);
    }

    [Fact]
    public void TryGetStatus_ConnectionFailureWithoutStatus_ReturnsFalse()
    {
        var error = new HttpRequestException(HttpRequestError.ConnectionError, "refused");

        Assert.False(ProviderErrors.TryGetStatus(error, out _, out _));
        Assert.False(ProviderErrors.TryGetStatus(new TimeoutException(), out _, out _));
    }

    [Fact]
    public void TryGetStatus_WrappedInInnerAndAggregate_FindsIt()
    {
        var inner = new ModelHttpException("down", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1));
        var error = new AggregateException(new InvalidOperationException("x"), new InvalidOperationException("wrapper", inner));

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData((HttpStatusCode)529)]
    public void TryGetStatus_AnthropicApiExceptionFromSdk_ReturnsStatusWithoutHint(HttpStatusCode code)
    {
        var error = AnthropicExceptionFactory.CreateApiException(code, """{"type":"error","error":{"type":"api_error","message":"x"}}""");

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal(code, status);
        Assert.Null(retryAfter);
    }

    [Theory]
    [InlineData("5", 5_000)]
    [InlineData("0", 0)]
    [InlineData(" 1.5 ", 1_500)]
    public void ParseRetryAfter_Seconds_ReturnsDelay(string value, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ProviderErrors.ParseRetryAfter(value));
    }

    [Fact]
    public void ParseRetryAfter_HttpDate_ReturnsDelayFromClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromSeconds(30), ProviderErrors.ParseRetryAfter("Fri, 02 Jan 2026 03:04:35 GMT", clock));
        Assert.Equal(TimeSpan.Zero, ProviderErrors.ParseRetryAfter("Fri, 02 Jan 2026 03:00:00 GMT", clock));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-3")]
    public void ParseRetryAfter_Unusable_ReturnsNull(string? value)
    {
        Assert.Null(ProviderErrors.ParseRetryAfter(value));
    }
}
