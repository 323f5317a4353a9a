namespace Nines.Evals.Suites.Invoices;

/// <summary>One generated invoice and its text.</summary>
internal sealed record InvoiceCase(Invoice Truth, string Text);
