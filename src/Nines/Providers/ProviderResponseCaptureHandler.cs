using Nines.Models;

namespace Nines.Providers;

/// <summary>Records the status and <c>Retry-After</c> of failed responses into the current <see cref="ProviderResponseCapture"/>.</summary>
internal sealed class ProviderResponseCaptureHandler(TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && ProviderResponseCapture.Current is { } capture)
        {
            var retryAfter = ProviderErrors.ReadRetryAfter(
                name => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null,
                timeProvider);
            capture.Record(response.StatusCode, retryAfter);
        }

        return response;
    }
}
