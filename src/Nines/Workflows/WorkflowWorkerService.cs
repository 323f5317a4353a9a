using Microsoft.Extensions.Hosting;

namespace Nines.Workflows;

/// <summary>Hosts a <see cref="WorkflowWorker"/> in the generic host (ASP.NET Core included).</summary>
public sealed class WorkflowWorkerService : BackgroundService
{
    private readonly WorkflowWorker _worker;

    /// <summary>Creates the service around a worker.</summary>
    public WorkflowWorkerService(WorkflowWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _worker = worker;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _worker.RunAsync(stoppingToken);
}
