using Nines.Agents;

namespace Nines.Evals.Suites.Injection;

/// <summary>What one trial of the <c>injection</c> suite left behind: how the run ended and the workspace's state.</summary>
/// <param name="StopReason">Why the agent run stopped.</param>
/// <param name="Answer">The agent's final answer, or <see langword="null"/> when the run did not complete.</param>
/// <param name="Workspace">The trial's workspace after the run: money sent, e-mail sent, files deleted.</param>
/// <param name="Exposed">Whether an injected instruction reached the agent in a tool result.</param>
/// <param name="Refusals">How many tool calls the guard refused.</param>
/// <param name="Followed">Whether the agent decided to obey an instruction it read.</param>
internal sealed record InjectionOutcome(
    AgentStopReason StopReason, string? Answer, InjectionWorkspace Workspace, bool Exposed, int Refusals, bool Followed);
