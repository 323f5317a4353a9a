using Nines.Agents;
using Nines.Models;

namespace Nines.Evals.Suites.Context;

/// <summary>What one <c>context</c> trial's agent run ended with.</summary>
/// <param name="Answer">The validated answer, or <see langword="null"/> when the run did not complete.</param>
/// <param name="StopReason">Why the run stopped.</param>
/// <param name="Detail">The runner's sentence about the stop.</param>
/// <param name="Failure">The contract's category for the last answer when the run stopped on it; otherwise <see cref="FailureCategory.None"/>.</param>
/// <param name="ModelCalls">The model calls made.</param>
/// <param name="Reductions">How many prompts the context budget reduced.</param>
/// <param name="PeakPromptTokens">The largest prompt sent, in the simulated model's input tokens.</param>
/// <param name="FinalAccuracy">The simulated model's accuracy on its last call, after decay.</param>
internal sealed record ContextOutcome(
    IncidentAnswer? Answer,
    AgentStopReason StopReason,
    string Detail,
    FailureCategory Failure,
    int ModelCalls,
    int Reductions,
    long PeakPromptTokens,
    double FinalAccuracy);
