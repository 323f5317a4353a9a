using System.ComponentModel.DataAnnotations;

namespace Nines.Samples.InvoiceApproval;

/// <summary>One line of an <see cref="Invoice"/>.</summary>
public sealed class InvoiceLine
{
    [Required]
    public string Description { get; set; } = "";

    [Range(1, 100_000)]
    public int Quantity { get; set; }

    [Range(0, 1_000_000)]
    public decimal UnitPrice { get; set; }

    [Range(0, 10_000_000)]
    public decimal Amount { get; set; }
}
