using System.Diagnostics;

namespace Nines.Agents;

/// <summary>Traces of the context budget: an activity per reduced prompt on the "Nines.Agents" source, and an event on the caller's activity.</summary>
internal static class AgentContextTelemetry
{
    public const string ActivitySourceName = "Nines.Agents";

    public const string EventName = "agents.context_reduced";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    public static void Record(ContextReduction reduction)
    {
        var tags = new ActivityTagsCollection
        {
            ["nines.agents.model_call"] = reduction.ModelCall,
            ["nines.agents.context.budget"] = reduction.Budget,
            ["nines.agents.context.tokens_before"] = reduction.TokensBefore,
            ["nines.agents.context.tokens_after"] = reduction.TokensAfter,
            ["nines.agents.context.tool_results_truncated"] = reduction.ToolResultsTruncated,
            ["nines.agents.context.tool_results_dropped"] = reduction.ToolResultsDropped,
            ["nines.agents.context.messages_dropped"] = reduction.MessagesDropped,
            ["nines.agents.context.fits"] = reduction.Fits,
        };

        // The caller's span (a workflow step, a request) shows the reduction without listening to this source.
        Activity.Current?.AddEvent(new ActivityEvent(EventName, tags: tags));
        using var activity = ActivitySource.StartActivity("agents.context_reduction", ActivityKind.Internal, parentContext: default, tags: tags);
    }
}
