namespace Nines.Samples.InvoiceApproval;

/// <summary>One payment the fake payment service made.</summary>
/// <param name="Id">The payment id, e.g. PAY-0001.</param>
/// <param name="IdempotencyKey">The key the caller paid under; a second call with it returns this payment.</param>
/// <param name="Invoice">The invoice number.</param>
/// <param name="Vendor">Who was paid.</param>
/// <param name="Amount">How much.</param>
/// <param name="Currency">In which currency.</param>
/// <param name="PaidAt">When.</param>
public sealed record Payment(string Id, string IdempotencyKey, string Invoice, string Vendor, decimal Amount, string Currency, DateTimeOffset PaidAt);
