namespace Nines.Samples.InvoiceApproval;

/// <summary>The result of an <c>approve-invoice</c> run.</summary>
/// <param name="Invoice">The invoice number.</param>
/// <param name="Vendor">The vendor.</param>
/// <param name="Total">The invoice total.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="Outcome"><c>paid</c>, <c>rejected</c> or <c>invalid</c>.</param>
/// <param name="PaymentId">The payment, when paid.</param>
/// <param name="ApprovedBy">Who approved or rejected it, when it needed approval.</param>
/// <param name="Problems">Why it was invalid or rejected.</param>
public sealed record InvoiceReceipt(
    string Invoice,
    string Vendor,
    decimal Total,
    string Currency,
    string Outcome,
    string? PaymentId = null,
    string? ApprovedBy = null,
    IReadOnlyList<string>? Problems = null)
{
    /// <summary>The outcome of a paid invoice.</summary>
    public const string Paid = "paid";

    /// <summary>The outcome of an invoice an approver rejected: nothing is paid.</summary>
    public const string Rejected = "rejected";

    /// <summary>The outcome of an invoice that failed validation: nothing is paid.</summary>
    public const string Invalid = "invalid";
}
