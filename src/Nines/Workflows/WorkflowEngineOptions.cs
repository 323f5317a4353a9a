using System.Text.Json;

namespace Nines.Workflows;

/// <summary>Settings shared by workers and clients of one workflow engine.</summary>
public sealed class WorkflowEngineOptions
{
    /// <summary>This worker's id; it becomes the lease owner of the runs it claims.</summary>
    /// <value>The default value is the machine name, the process id and a random suffix.</value>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>At most this many runs execute at once in one worker.</summary>
    /// <value>The default value is 16.</value>
    public int MaxConcurrentRuns { get; set; } = 16;

    /// <summary>How long a claim lasts without a heartbeat; after it another worker may take the run over.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker renews the leases it holds.</summary>
    /// <value>The default value is 10 seconds (a third of the default lease).</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest an idle worker waits before asking the store for work again (wake-ups usually come sooner).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a worker publishes its registrations and re-checks which runs are blocked.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan RegistrationInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>On shutdown, how long in-flight steps may run to completion before they are cancelled and their runs released.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest JSON payload (input, step result, signal, output) the journal accepts, in bytes.</summary>
    /// <value>The default value is 1 MiB.</value>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Serializer settings for inputs, step results, signals and outputs.</summary>
    /// <value>The default value is <see cref="JsonSerializerDefaults.Web"/>.</value>
    public JsonSerializerOptions JsonOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Rewrites a payload's JSON before it reaches the journal, so secrets are never stored. Replay reads the
    /// redacted JSON back, so redact only what the workflow does not need after a restart.
    /// </summary>
    /// <value>The default value is null (payloads are stored as serialized).</value>
    public Func<PayloadRedactionContext, string, string>? RedactPayload { get; set; }

    /// <summary>Where the seed journaled by <see cref="WorkflowContext.Random"/> comes from (and so every run's random sequence).</summary>
    /// <value>The default value is <see cref="Random.Shared"/>; pass a seeded <see cref="Random"/> for reproducible tests.</value>
    public Random SeedSource { get; set; } = Random.Shared;

    /// <summary>The clock for leases, timers and journaled time.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            problems.Add("WorkerId is empty.");
        }

        if (MaxConcurrentRuns < 1)
        {
            problems.Add($"MaxConcurrentRuns is {MaxConcurrentRuns}; it must be at least 1.");
        }

        if (LeaseDuration <= TimeSpan.Zero)
        {
            problems.Add($"LeaseDuration is {LeaseDuration}; it must be positive.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval >= LeaseDuration)
        {
            problems.Add($"HeartbeatInterval is {HeartbeatInterval}; it must be positive and shorter than LeaseDuration ({LeaseDuration}), or leases run out between heartbeats.");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            problems.Add($"PollInterval is {PollInterval}; it must be positive.");
        }

        if (RegistrationInterval <= TimeSpan.Zero)
        {
            problems.Add($"RegistrationInterval is {RegistrationInterval}; it must be positive.");
        }

        if (ShutdownGracePeriod < TimeSpan.Zero)
        {
            problems.Add($"ShutdownGracePeriod is {ShutdownGracePeriod}; it must not be negative.");
        }

        if (MaxPayloadBytes < 64)
        {
            problems.Add($"MaxPayloadBytes is {MaxPayloadBytes}; it must be at least 64.");
        }

        if (JsonOptions is null)
        {
            problems.Add("JsonOptions is null.");
        }

        if (SeedSource is null)
        {
            problems.Add("SeedSource is null.");
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider is null.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Workflow engine options are invalid: " + string.Join(" ", problems));
        }
    }
}
