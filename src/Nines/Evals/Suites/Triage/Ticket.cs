namespace Nines.Evals.Suites.Triage;

/// <summary>One support ticket with its right routing and, for some, an injected instruction.</summary>
/// <param name="Id">The ticket's id (the eval case id).</param>
/// <param name="Text">The ticket as the customer wrote it, injection included.</param>
/// <param name="Truth">The right category, priority and team.</param>
/// <param name="Injection">The injected instruction, or <see langword="null"/> for an honest ticket.</param>
internal sealed record Ticket(string Id, string Text, TriageDecision Truth, TicketInjection? Injection);
