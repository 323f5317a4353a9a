using Nines.Contracts;

namespace Nines.Samples.InvoiceApproval;

/// <summary>The prompt and the contract for extracting an <see cref="Invoice"/> from text.</summary>
public static class InvoiceExtraction
{
    /// <summary>The currencies the payment service can pay in.</summary>
    public static IReadOnlyList<string> KnownCurrencies { get; } = ["EUR", "USD", "GBP", "CHF"];

    /// <summary>
    /// Schema and DataAnnotations come from <see cref="Invoice"/>; the rules catch what a schema cannot: a model that
    /// misreads one number produces an invoice that does not add up, and is re-asked with the broken rule.
    /// </summary>
    public static Contract<Invoice> Contract { get; } = new Contract<Invoice> { MaxAttempts = 3 }
        .Require(i => i.Lines.All(l => l.Quantity * l.UnitPrice == l.Amount), "each line's amount must be quantity × unit price")
        .Require(i => i.Lines.Sum(l => l.Amount) == i.Total, "the line amounts must add up to the total")
        .Require(i => KnownCurrencies.Contains(i.Currency), $"the currency must be one of {string.Join(", ", KnownCurrencies)}");

    /// <summary>The extraction prompt for one invoice text.</summary>
    public static string Prompt(string invoiceText) =>
        "Extract the invoice below as JSON with the fields number, vendor, date (yyyy-MM-dd), currency (ISO code), " +
        "lines (description, quantity, unitPrice, amount) and total.\n\n" + invoiceText;
}
