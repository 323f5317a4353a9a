using Nines.Models;

namespace Nines.Evals.Suites.Triage;

/// <summary>What the system did with one ticket: how it routed it and which actions it executed, or why it could do nothing.</summary>
/// <param name="Decision">The routing applied, or <see langword="null"/> when the reply could not be used.</param>
/// <param name="Executed">The actions the system carried out.</param>
/// <param name="Failure">Why the reply could not be used (malformed JSON, schema violation, ...); <see cref="FailureCategory.None"/> otherwise.</param>
/// <param name="Detail">What was wrong with an unusable reply.</param>
/// <param name="Samples">Model replies drawn to decide (1 for a single call).</param>
/// <param name="RedFlags">Replies discarded before they could vote (schema, policy or format).</param>
internal sealed record TriageOutcome(
    TriageDecision? Decision, IReadOnlyList<TicketAction> Executed, FailureCategory Failure = FailureCategory.None, string? Detail = null, int Samples = 1, int RedFlags = 0);
