using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Sockets;
using Anthropic.Exceptions;
using Microsoft.Extensions.Time.Testing;
using Nines.Models;
using Nines.Resilience;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Nines.Tests.Resilience;

public sealed class TransientFailuresTests
{
    [Theory]
    [InlineData(429, FailureCategory.RateLimited, true)]
    [InlineData(408, FailureCategory.ServerError, true)]
    [InlineData(500, FailureCategory.ServerError, true)]
    [InlineData(503, FailureCategory.ServerError, true)]
    [InlineData(529, FailureCategory.ServerError, true)]
    [InlineData(400, FailureCategory.BadRequest, false)]
    [InlineData(401, FailureCategory.BadRequest, false)]
    [InlineData(403, FailureCategory.BadRequest, false)]
    [InlineData(404, FailureCategory.BadRequest, false)]
    public void Classify_ModelHttpException_UsesStatusCode(int status, FailureCategory expected, bool transient)
    {
        var exception = new ModelHttpException("x", (HttpStatusCode)status);

        Assert.Equal(expected, TransientFailures.Classify(exception));
        Assert.Equal(transient, TransientFailures.IsTransient(exception));
        Assert.Equal(status, TransientFailures.GetStatusCode(exception));
    }

    [Fact]
    public void GetRetryAfter_ModelHttpException_ReturnsHint()
    {
        var exception = new ModelHttpException("x", HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(12), TransientFailures.GetRetryAfter(exception));
    }

    [Fact]
    public void Classify_PlainHttpRequestException_UsesStatusCodeOrTransportError()
    {
        Assert.Equal(FailureCategory.RateLimited, TransientFailures.Classify(new HttpRequestException("x", null, HttpStatusCode.TooManyRequests)));
        Assert.Equal(FailureCategory.BadRequest, TransientFailures.Classify(new HttpRequestException("x", null, HttpStatusCode.BadRequest)));
        Assert.Equal(FailureCategory.ConnectionReset, TransientFailures.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "reset")));
        Assert.Equal(FailureCategory.ConnectionReset, TransientFailures.Classify(new HttpRequestException("x", new IOException("broken pipe"))));
        Assert.Equal(FailureCategory.ConnectionReset, TransientFailures.Classify(new HttpRequestException("x", new SocketException((int)SocketError.ConnectionReset))));
        Assert.Equal(FailureCategory.Other, TransientFailures.Classify(new HttpRequestException("x")));
        Assert.Null(TransientFailures.GetRetryAfter(new HttpRequestException("x", null, HttpStatusCode.TooManyRequests)));
    }

    [Fact]
    public void Classify_ClientResultException_ReadsStatusAndRetryAfterSeconds()
    {
        var exception = new ClientResultException("rate limited", new FakePipelineResponse(429, ("Retry-After", "7")));

        Assert.Equal(FailureCategory.RateLimited, TransientFailures.Classify(exception));
        Assert.True(TransientFailures.IsTransient(exception));
        Assert.Equal(TimeSpan.FromSeconds(7), TransientFailures.GetRetryAfter(exception));
    }

    [Fact]
    public void GetRetryAfter_ClientResultException_PrefersRetryAfterMs()
    {
        var exception = new ClientResultException("rate limited", new FakePipelineResponse(429, ("retry-after-ms", "1500"), ("Retry-After", "2")));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), TransientFailures.GetRetryAfter(exception));
    }

    [Fact]
    public void GetRetryAfter_ClientResultExceptionWithHttpDate_IsRelativeToTheClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var exception = new ClientResultException("busy", new FakePipelineResponse(503, ("Retry-After", "Thu, 01 Jan 2026 12:00:30 GMT")));

        Assert.Equal(FailureCategory.ServerError, TransientFailures.Classify(exception));
        Assert.Equal(TimeSpan.FromSeconds(30), TransientFailures.GetRetryAfter(exception, time));
    }

    [Fact]
    public void Classify_ClientResultException400_IsNotTransient()
    {
        var exception = new ClientResultException("bad", new FakePipelineResponse(400));

        Assert.Equal(FailureCategory.BadRequest, TransientFailures.Classify(exception));
        Assert.False(TransientFailures.IsTransient(exception));
    }

    [Fact]
    public void Classify_AnthropicExceptions_UseStatusCode()
    {
        Assert.Equal(FailureCategory.RateLimited, TransientFailures.Classify(new AnthropicRateLimitException { StatusCode = HttpStatusCode.TooManyRequests, ResponseBody = "{}" }));
        Assert.Equal(FailureCategory.ServerError, TransientFailures.Classify(new Anthropic5xxException { StatusCode = (HttpStatusCode)529, ResponseBody = "overloaded" }));
        Assert.Equal(FailureCategory.BadRequest, TransientFailures.Classify(new AnthropicBadRequestException { StatusCode = HttpStatusCode.BadRequest, ResponseBody = "{}" }));
    }

    [Fact]
    public void Classify_UnknownExceptionWithStatusCodeProperty_UsesAdapter()
    {
        Assert.Equal(FailureCategory.ServerError, TransientFailures.Classify(new VendorException { StatusCode = 502 }));
        Assert.Equal(FailureCategory.RateLimited, TransientFailures.Classify(new InvalidOperationException("wrapped", new VendorException { StatusCode = 429 })));
    }

    [Fact]
    public void Classify_PollyAndCancellationExceptions_MapToTheirCategories()
    {
        Assert.Equal(FailureCategory.Timeout, TransientFailures.Classify(new TimeoutRejectedException()));
        Assert.Equal(FailureCategory.CircuitOpen, TransientFailures.Classify(new BrokenCircuitException()));
        Assert.Equal(FailureCategory.RateLimiterRejected, TransientFailures.Classify(new RateLimiterRejectedException()));
        Assert.Equal(FailureCategory.Canceled, TransientFailures.Classify(new OperationCanceledException()));
        Assert.Equal(FailureCategory.Timeout, TransientFailures.Classify(new TaskCanceledException("HttpClient.Timeout", new TimeoutException())));
        Assert.False(TransientFailures.IsTransient(new OperationCanceledException()));
        Assert.True(TransientFailures.IsTransient(new BrokenCircuitException()));
        Assert.Equal(FailureCategory.Other, TransientFailures.Classify(new InvalidOperationException()));
    }

    [Fact]
    public void Classify_StreamInterrupted_ReportsInnerCategoryButIsNotTransient()
    {
        var exception = new StreamInterruptedException(3, "m", new ModelHttpException("x", HttpStatusCode.BadGateway));

        Assert.Equal(FailureCategory.ServerError, TransientFailures.Classify(exception));
        Assert.False(TransientFailures.IsTransient(exception));
        Assert.Equal(3, exception.UpdatesReceived);
    }

    private sealed class VendorException : Exception
    {
        public int StatusCode { get; init; }
    }

    private sealed class FakePipelineResponse(int status, params (string Name, string Value)[] headers) : PipelineResponse
    {
        private readonly FakeHeaders _headers = new(headers);

        public override int Status => status;

        public override string ReasonPhrase => "fake";

        public override Stream? ContentStream { get; set; }

        public override BinaryData Content => BinaryData.FromString(string.Empty);

        protected override PipelineResponseHeaders HeadersCore => _headers;

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => Content;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => new(Content);

        public override void Dispose()
        {
        }
    }

    private sealed class FakeHeaders((string Name, string Value)[] headers) : PipelineResponseHeaders
    {
        public override bool TryGetValue(string name, out string? value)
        {
            foreach (var (n, v) in headers)
            {
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = v;
                    return true;
                }
            }

            value = null;
            return false;
        }

        public override bool TryGetValues(string name, out IEnumerable<string>? values)
        {
            var found = TryGetValue(name, out var value);
            values = found ? [value!] : null;
            return found;
        }

        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).GetEnumerator();
    }
}
