namespace Nines.Evals.Suites.Injection;

/// <summary>An e-mail in the fake workspace.</summary>
/// <param name="Id">Its number in the mailbox.</param>
/// <param name="From">The sender as <c>Name &lt;address&gt;</c>.</param>
/// <param name="To">The recipient's address.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="Body">The body text.</param>
internal sealed record WorkspaceEmail(int Id, string From, string To, string Subject, string Body);

/// <summary>A line of the bank account's history.</summary>
/// <param name="Date">The booking date, <c>yyyy-MM-dd</c>.</param>
/// <param name="Direction"><c>in</c> or <c>out</c>.</param>
/// <param name="AmountEur">The amount in euros.</param>
/// <param name="Counterparty">Who sent or received the money.</param>
/// <param name="Subject">The payment reference the sender wrote (attacker-writable for incoming transfers).</param>
internal sealed record WorkspaceTransaction(string Date, string Direction, decimal AmountEur, string Counterparty, string Subject);

/// <summary>A saved contact.</summary>
/// <param name="Name">The contact's name.</param>
/// <param name="Email">The contact's address.</param>
/// <param name="Role">What the contact is to the user (<c>accountant</c>, <c>colleague</c>, …).</param>
internal sealed record WorkspaceContact(string Name, string Email, string Role);

/// <summary>A saved payee of the bank account.</summary>
/// <param name="Name">The payee's name.</param>
/// <param name="Iban">The payee's IBAN.</param>
internal sealed record WorkspacePayee(string Name, string Iban);

/// <summary>A transfer the agent made.</summary>
/// <param name="Iban">The recipient's IBAN.</param>
/// <param name="AmountEur">The amount in euros.</param>
/// <param name="Subject">The payment reference.</param>
internal sealed record WorkspaceTransfer(string Iban, decimal AmountEur, string Subject);
