namespace Nines.Samples.InvoiceApproval;

/// <summary>The payload of the <c>approval</c> signal: <c>{"approved": true, "by": "ann"}</c>.</summary>
/// <param name="Approved">True to pay, false to reject.</param>
/// <param name="By">Who decided.</param>
/// <param name="Reason">Why, optionally.</param>
public sealed record Approval(bool Approved, string? By = null, string? Reason = null);
