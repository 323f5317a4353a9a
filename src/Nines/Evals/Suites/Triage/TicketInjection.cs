namespace Nines.Evals.Suites.Triage;

/// <summary>An instruction hidden in a ticket's text, and what a model that follows it answers instead of the truth.</summary>
/// <param name="Kind">What it tries to make the system do.</param>
/// <param name="Text">The injected sentence, as it appears in the ticket.</param>
/// <param name="Decision">The routing a model that follows it gives.</param>
/// <param name="Action">The action a model that follows it asks for, if any.</param>
internal sealed record TicketInjection(InjectionKind Kind, string Text, TriageDecision Decision, TicketAction? Action);
