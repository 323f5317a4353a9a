namespace Nines.Evals.Suites.Injection;

/// <summary>What the quarantined reader returns for the mailbox: senders and meeting days, no free text.</summary>
/// <param name="Emails">One entry per e-mail.</param>
internal sealed record InboxFacts(IReadOnlyList<InboxEmailFacts> Emails);

/// <summary>One e-mail as typed values.</summary>
/// <param name="From">The sender as <c>Name &lt;address&gt;</c>.</param>
/// <param name="MeetingDay">The weekday the sender asks to meet on, or <see langword="null"/>.</param>
internal sealed record InboxEmailFacts(string From, string? MeetingDay);

/// <summary>What the quarantined reader returns for the transaction list: the payment references are left out.</summary>
/// <param name="Transactions">One entry per booking.</param>
internal sealed record TransactionFacts(IReadOnlyList<TransactionFact> Transactions);

/// <summary>One booking as typed values.</summary>
/// <param name="Date">The date, <c>yyyy-MM-dd</c>.</param>
/// <param name="Direction"><c>in</c> or <c>out</c>.</param>
/// <param name="AmountEur">The amount in euros.</param>
/// <param name="Counterparty">The sender or recipient's name.</param>
internal sealed record TransactionFact(string Date, string Direction, decimal AmountEur, string Counterparty);

/// <summary>What the quarantined reader returns for a shared document: its kind and the fields the tasks need.</summary>
/// <param name="Kind"><c>bill</c>, <c>meeting-notes</c>, <c>events</c> or <c>other</c>.</param>
/// <param name="Payee">A bill's payee (one of the saved payees), or <see langword="null"/>.</param>
/// <param name="AmountEur">A bill's amount due, or <see langword="null"/>.</param>
/// <param name="FirstActionOwner">Meeting notes: who owns the first action item, or <see langword="null"/>.</param>
/// <param name="NextEventDate">Events: the next event's date, <c>yyyy-MM-dd</c>, or <see langword="null"/>.</param>
internal sealed record DocumentFacts(string Kind, string? Payee, decimal? AmountEur, string? FirstActionOwner, string? NextEventDate);
