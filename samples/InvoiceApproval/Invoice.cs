using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Nines.Samples.InvoiceApproval;

/// <summary>The typed invoice the model extracts from text; the contract checks its shape and arithmetic.</summary>
public sealed class Invoice
{
    [Description("The invoice number, e.g. INV-20417.")]
    [Required]
    [RegularExpression(@"^INV-\d{5}$")]
    public string Number { get; set; } = "";

    [Required]
    [MinLength(1)]
    public string Vendor { get; set; } = "";

    [Description("The invoice date as yyyy-MM-dd.")]
    [Required]
    [RegularExpression(@"^\d{4}-\d{2}-\d{2}$")]
    public string Date { get; set; } = "";

    [Description("ISO 4217 currency code.")]
    [Required]
    [RegularExpression(@"^[A-Z]{3}$")]
    public string Currency { get; set; } = "";

    [Required]
    [MinLength(1)]
    public List<InvoiceLine> Lines { get; set; } = [];

    [Range(0, 10_000_000)]
    public decimal Total { get; set; }
}
