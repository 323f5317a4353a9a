using Microsoft.Extensions.AI;

namespace Nines.Workflows;

/// <summary>Journals model calls in a workflow run.</summary>
public static class WorkflowChatClientExtensions
{
    /// <summary>Wraps <paramref name="client"/> so every call is a journaled step of this run (see <see cref="WorkflowChatClient"/>).</summary>
    /// <param name="context">The workflow run.</param>
    /// <param name="client">The model.</param>
    /// <param name="stepName">The journal step name of each call.</param>
    /// <returns>The journaled client.</returns>
    public static IChatClient JournalModelCalls(this WorkflowContext context, IChatClient client, string stepName = "model") =>
        new WorkflowChatClient(context, client, stepName);
}
