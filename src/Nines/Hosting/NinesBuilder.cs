using Microsoft.Extensions.DependencyInjection;
using Nines.Workflows;

namespace Nines;

/// <summary>Configures Nines in a service collection: <c>services.AddNines().AddWorkflow&lt;ApproveInvoice&gt;().AddWorkflowWorker()</c>.</summary>
public sealed class NinesBuilder
{
    internal NinesBuilder(IServiceCollection services, WorkflowRegistry registry, WorkflowEngineOptions options)
    {
        Services = services;
        Registry = registry;
        Options = options;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The workflows registered so far.</summary>
    public WorkflowRegistry Registry { get; }

    /// <summary>The engine options shared by the worker and the client.</summary>
    public WorkflowEngineOptions Options { get; }
}
