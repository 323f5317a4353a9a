using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines;

/// <summary>Adds Nines to a service collection.</summary>
public static class NinesServiceCollectionExtensions
{
    /// <summary>
    /// Adds the workflow registry, engine options, a <see cref="WorkflowClient"/>, and the embedded SQLite store
    /// (<c>nines.db</c> in the working directory) unless another <see cref="IWorkflowStore"/> is registered.
    /// Calling it again returns a builder over the same registry.
    /// </summary>
    public static NinesBuilder AddNines(this IServiceCollection services, Action<WorkflowEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(NinesBuilder))?.ImplementationInstance as NinesBuilder;
        var builder = existing ?? new NinesBuilder(services, new WorkflowRegistry(), new WorkflowEngineOptions());
        configure?.Invoke(builder.Options);
        if (existing is null)
        {
            services.AddSingleton(builder);
            services.AddSingleton(builder.Registry);
            services.AddSingleton(builder.Options);
            services.TryAddSingleton<IWorkflowStore>(_ => new SqliteWorkflowStore());
            services.TryAddSingleton(sp => new WorkflowClient(sp.GetRequiredService<IWorkflowStore>(), builder.Registry, builder.Options));
        }

        return builder;
    }
}
