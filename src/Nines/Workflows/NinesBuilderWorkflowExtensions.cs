using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines;

/// <summary>Registers workflows, a store and the background worker on a <see cref="NinesBuilder"/>.</summary>
public static class NinesBuilderWorkflowExtensions
{
    /// <summary>Registers a workflow class; it is created from the service provider (in a scope per execution), so it can take constructor dependencies.</summary>
    public static NinesBuilder AddWorkflow<TWorkflow>(this NinesBuilder builder)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddTransient<TWorkflow>();
        builder.Registry.Add<TWorkflow>(services => (services ?? throw new InvalidOperationException("A service provider is required.")).GetRequiredService<TWorkflow>());
        return builder;
    }

    /// <summary>Uses a store built from the service provider instead of the embedded SQLite default.</summary>
    public static NinesBuilder UseWorkflowStore(this NinesBuilder builder, Func<IServiceProvider, IWorkflowStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<IWorkflowStore>();
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>Uses the embedded SQLite store at <paramref name="path"/>.</summary>
    public static NinesBuilder UseSqliteWorkflowStore(this NinesBuilder builder, string path) =>
        builder.UseWorkflowStore(_ => new SqliteWorkflowStore(path));

    /// <summary>Runs a <see cref="WorkflowWorker"/> as a hosted service of the generic host or ASP.NET Core.</summary>
    /// <remarks>On shutdown the worker stops claiming, lets in-flight steps finish within the grace period and releases the rest.</remarks>
    public static NinesBuilder AddWorkflowWorker(this NinesBuilder builder, Action<WorkflowEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        configure?.Invoke(builder.Options);
        builder.Services.AddHostedService(sp => new WorkflowWorkerService(new WorkflowWorker(sp.GetRequiredService<IWorkflowStore>(), builder.Registry, builder.Options, sp)));
        return builder;
    }
}
