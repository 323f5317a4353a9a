using System.Reflection;
using Nines.Workflows.Storage;

namespace Nines.Workflows;

/// <summary>The workflow classes (and versions) a worker can execute and a client can start.</summary>
/// <remarks>Fill it before workers start; reads are thread-safe once it is no longer changed.</remarks>
public sealed class WorkflowRegistry
{
    private readonly Dictionary<WorkflowVersionKey, WorkflowRegistration> _registrations = [];

    /// <summary>Registers a workflow class created with its parameterless constructor, or from the service provider when one is given to the worker.</summary>
    public WorkflowRegistry Add<TWorkflow>()
        where TWorkflow : class => Add(typeof(TWorkflow), factory: null);

    /// <summary>Registers a workflow class created by <paramref name="factory"/> for each execution.</summary>
    public WorkflowRegistry Add<TWorkflow>(Func<TWorkflow> factory)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Add(typeof(TWorkflow), _ => factory());
    }

    /// <summary>Registers a workflow class created by <paramref name="factory"/> from the worker's service provider.</summary>
    public WorkflowRegistry Add<TWorkflow>(Func<IServiceProvider?, TWorkflow> factory)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Add(typeof(TWorkflow), factory);
    }

    /// <summary>Every registered workflow version.</summary>
    public IReadOnlyCollection<WorkflowVersionKey> Keys => _registrations.Keys;

    /// <summary>The name and version a workflow class is registered under (from <see cref="WorkflowAttribute"/>; the class name and version 1 without one).</summary>
    public static WorkflowVersionKey KeyOf(Type workflowType)
    {
        ArgumentNullException.ThrowIfNull(workflowType);
        var attribute = workflowType.GetCustomAttribute<WorkflowAttribute>();
        return attribute is null ? new WorkflowVersionKey(workflowType.Name, 1) : new WorkflowVersionKey(attribute.Name, attribute.Version);
    }

    /// <summary>The highest registered version of a workflow name, or null.</summary>
    public int? LatestVersion(string workflow) =>
        _registrations.Keys.Where(k => k.Workflow == workflow).Select(k => (int?)k.Version).Max();

    internal WorkflowRegistration? Find(string workflow, int version) =>
        _registrations.GetValueOrDefault(new WorkflowVersionKey(workflow, version));

    internal WorkflowRegistration Get(Type workflowType) =>
        Find(KeyOf(workflowType).Workflow, KeyOf(workflowType).Version) is { } found && found.WorkflowType == workflowType
            ? found
            : throw new InvalidOperationException($"Workflow class {workflowType.Name} is not registered. Add it with registry.Add<{workflowType.Name}>() or services.AddNines().AddWorkflow<{workflowType.Name}>().");

    private WorkflowRegistry Add(Type workflowType, Func<IServiceProvider?, object>? factory)
    {
        var key = KeyOf(workflowType);
        var contract = workflowType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IWorkflow<,>))
            .ToArray();
        if (contract.Length != 1)
        {
            throw new ArgumentException($"{workflowType.Name} must implement IWorkflow<TInput, TOutput> exactly once to be registered as a workflow (it implements it {contract.Length} times).");
        }

        if (_registrations.TryGetValue(key, out var existing))
        {
            throw new ArgumentException($"Workflow '{key.Workflow}' version {key.Version} is already registered by {existing.WorkflowType.Name}; give {workflowType.Name} another [Workflow] name or Version.");
        }

        var args = contract[0].GetGenericArguments();
        var registrationType = typeof(WorkflowRegistration<,,>).MakeGenericType(workflowType, args[0], args[1]);
        _registrations[key] = (WorkflowRegistration)Activator.CreateInstance(registrationType, key, factory)!;
        return this;
    }
}
