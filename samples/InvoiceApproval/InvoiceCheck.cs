namespace Nines.Samples.InvoiceApproval;

/// <summary>The outcome of the <c>validate</c> step.</summary>
/// <param name="Problems">Why the invoice cannot be paid; empty when it can.</param>
/// <param name="NeedsApproval">True when the total is over the approval limit.</param>
public sealed record InvoiceCheck(IReadOnlyList<string> Problems, bool NeedsApproval)
{
    /// <summary>True when there are no problems.</summary>
    public bool IsValid => Problems.Count == 0;
}
