using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Nines.Workflows;

/// <summary>The engine's activity source and meter, both named <c>Nines.Workflows</c>.</summary>
/// <remarks>Add the name to an OpenTelemetry tracer and meter provider (<c>AddSource("Nines.Workflows")</c>, <c>AddMeter("Nines.Workflows")</c>).</remarks>
public static class WorkflowTelemetry
{
    /// <summary>The activity source and meter name.</summary>
    public const string Name = "Nines.Workflows";

    internal static readonly ActivitySource Source = new(Name);
    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("nines.workflow.runs.started", "{run}", "Runs created.");
    internal static readonly Counter<long> RunsCompleted = Meter.CreateCounter<long>("nines.workflow.runs.completed", "{run}", "Runs that completed.");
    internal static readonly Counter<long> RunsFailed = Meter.CreateCounter<long>("nines.workflow.runs.failed", "{run}", "Runs that failed.");
    internal static readonly Counter<long> RunsCancelled = Meter.CreateCounter<long>("nines.workflow.runs.cancelled", "{run}", "Runs that were cancelled.");
    internal static readonly Counter<long> RunsSuspended = Meter.CreateCounter<long>("nines.workflow.runs.suspended", "{run}", "Executions that ended in a durable wait.");
    internal static readonly Counter<long> Steps = Meter.CreateCounter<long>("nines.workflow.steps", "{step}", "Context calls executed (not replayed), by kind and outcome.");
    internal static readonly Counter<long> StepsReplayed = Meter.CreateCounter<long>("nines.workflow.steps.replayed", "{step}", "Context calls answered from the journal.");
    internal static readonly Counter<long> LeaseTakeovers = Meter.CreateCounter<long>("nines.workflow.lease.takeovers", "{run}", "Runs claimed after another worker's lease expired.");
    internal static readonly Counter<long> LeasesLost = Meter.CreateCounter<long>("nines.workflow.lease.lost", "{run}", "Executions stopped because another worker took the run over.");
    internal static readonly Counter<long> WorkerErrors = Meter.CreateCounter<long>("nines.workflow.worker.errors", "{error}", "Worker loop turns that failed (the store unreachable); the worker backs off and retries.");
    internal static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram<double>("nines.workflow.journal.write.duration", "ms", "Latency of journal writes.");
}
