namespace Nines.Resilience;

/// <summary>
/// A streaming response failed after some of its updates had already been passed to the caller, so the
/// resilience layer could not retry or fail over without the caller seeing a repeated or spliced answer.
/// </summary>
/// <remarks>
/// The original failure is the <see cref="Exception.InnerException"/>;
/// <see cref="TransientFailures.Classify(Exception)"/> reports its category. Retrying the whole call is the
/// caller's decision, so <see cref="TransientFailures.IsTransient(Exception)"/> returns <see langword="false"/>.
/// </remarks>
public class StreamInterruptedException : Exception
{
    /// <summary>Creates the exception for a stream that failed after <paramref name="updatesReceived"/> updates.</summary>
    /// <param name="updatesReceived">How many updates the caller had already received.</param>
    /// <param name="modelId">The model or client that was streaming, if known.</param>
    /// <param name="inner">The failure that ended the stream.</param>
    public StreamInterruptedException(int updatesReceived, string? modelId, Exception inner)
        : base(CreateMessage(updatesReceived, modelId, inner), inner)
    {
        UpdatesReceived = updatesReceived;
        ModelId = modelId;
    }

    /// <summary>Creates an exception with a message only.</summary>
    /// <param name="message">What happened.</param>
    public StreamInterruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="inner">The failure that ended the stream.</param>
    public StreamInterruptedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates an exception with no message.</summary>
    public StreamInterruptedException()
    {
    }

    /// <summary>Gets how many updates the caller had received before the stream failed.</summary>
    public int UpdatesReceived { get; }

    /// <summary>Gets the model or client that was streaming, if known.</summary>
    public string? ModelId { get; }

    private static string CreateMessage(int updatesReceived, string? modelId, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return $"The streaming response from '{modelId ?? "the model"}' failed after {updatesReceived} update(s) had been " +
            $"passed to the caller ({inner.GetType().Name}: {inner.Message}). It cannot be retried or failed over " +
            "transparently because the caller has already seen part of the answer. Discard the partial answer and " +
            "call again, or use GetResponseAsync, which the resilience layer retries in full.";
    }
}
