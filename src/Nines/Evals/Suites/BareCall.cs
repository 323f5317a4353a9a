using Microsoft.Extensions.AI;

namespace Nines.Evals.Suites;

/// <summary>The baseline configurations' one call: no retries, no checks, only the deadline every HTTP client has.</summary>
internal static class BareCall
{
    /// <summary>HttpClient.Timeout's default: without a deadline a hung provider would never end the call.</summary>
    internal static readonly TimeSpan Deadline = TimeSpan.FromSeconds(100);

    /// <summary>Sends <paramref name="prompt"/> once and returns the reply as it came back.</summary>
    /// <exception cref="TimeoutException">No reply within <see cref="Deadline"/> on <paramref name="time"/>.</exception>
    internal static async Task<ChatResponse> GetResponseAsync(
        IChatClient client, string prompt, ChatOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(Deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            return await client.GetResponseAsync(prompt, options, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply within {Deadline.TotalSeconds:0} s, the HTTP client's default deadline.", ex);
        }
    }
}
