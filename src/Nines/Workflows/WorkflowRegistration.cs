using Nines.Workflows.Storage;

namespace Nines.Workflows;

/// <summary>How to create and invoke one registered workflow version without knowing its types statically.</summary>
internal abstract class WorkflowRegistration(WorkflowVersionKey key, Type workflowType, Type inputType, Type outputType)
{
    public WorkflowVersionKey Key { get; } = key;

    public Type WorkflowType { get; } = workflowType;

    public Type InputType { get; } = inputType;

    public Type OutputType { get; } = outputType;

    /// <summary>Deserializes the input, runs the workflow and serializes its output.</summary>
    public abstract Task<string> InvokeAsync(WorkflowContext context, string? inputJson, IServiceProvider? services);
}

/// <summary>The typed registration.</summary>
internal sealed class WorkflowRegistration<TWorkflow, TInput, TOutput>(WorkflowVersionKey key, Func<IServiceProvider?, object>? factory)
    : WorkflowRegistration(key, typeof(TWorkflow), typeof(TInput), typeof(TOutput))
    where TWorkflow : class, IWorkflow<TInput, TOutput>
{
    public override async Task<string> InvokeAsync(WorkflowContext context, string? inputJson, IServiceProvider? services)
    {
        var payloads = context.State.Payloads;
        var input = payloads.Deserialize<TInput>(inputJson, new PayloadRedactionContext(context.RunId, context.Workflow, "input", null));
        var workflow = Create(services);
        var output = await workflow.RunAsync(context, input).ConfigureAwait(false);
        return payloads.Serialize(output, new PayloadRedactionContext(context.RunId, context.Workflow, "output", null));
    }

    private TWorkflow Create(IServiceProvider? services)
    {
        if (factory is not null)
        {
            return (TWorkflow)factory(services);
        }

        if (services?.GetService(typeof(TWorkflow)) is TWorkflow resolved)
        {
            return resolved;
        }

        return typeof(TWorkflow).GetConstructor(Type.EmptyTypes) is not null
            ? Activator.CreateInstance<TWorkflow>()
            : throw new InvalidOperationException(
                $"Cannot create workflow {typeof(TWorkflow).Name}: it has no parameterless constructor and no service provider supplies it. "
                + $"Register it with a factory (registry.Add(() => new {typeof(TWorkflow).Name}(…))) or through services.AddNines().AddWorkflow<{typeof(TWorkflow).Name}>().");
    }
}
