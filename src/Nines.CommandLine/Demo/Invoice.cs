using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Nines.CommandLine.Demo;

/// <summary>The typed result of the demo's extraction task.</summary>
public sealed class Invoice
{
    /// <summary>The invoice number.</summary>
    [JsonPropertyName("number")]
    [Description("The invoice number, e.g. INV-10023.")]
    [Required]
    [RegularExpression(@"^INV-\d{5}$")]
    public string Number { get; set; } = "";

    /// <summary>The vendor that issued the invoice.</summary>
    [JsonPropertyName("vendor")]
    [Required]
    [MinLength(1)]
    public string Vendor { get; set; } = "";

    /// <summary>The invoice date, yyyy-MM-dd.</summary>
    [JsonPropertyName("date")]
    [Description("The invoice date as yyyy-MM-dd.")]
    [Required]
    [RegularExpression(@"^\d{4}-\d{2}-\d{2}$")]
    public string Date { get; set; } = "";

    /// <summary>The ISO 4217 currency code.</summary>
    [JsonPropertyName("currency")]
    [Description("ISO 4217 currency code.")]
    [Required]
    [RegularExpression(@"^[A-Z]{3}$")]
    public string Currency { get; set; } = "";

    /// <summary>The invoice lines.</summary>
    [JsonPropertyName("lines")]
    [Required]
    [MinLength(1)]
    public List<InvoiceLine> Lines { get; set; } = [];

    /// <summary>The invoice total.</summary>
    [JsonPropertyName("total")]
    [Range(0, 1_000_000)]
    public decimal Total { get; set; }

    /// <summary>True when every field equals the other invoice's (decimals compared by value).</summary>
    public bool SameAs(Invoice other) =>
        Number == other.Number && Vendor == other.Vendor && Date == other.Date && Currency == other.Currency &&
        Total == other.Total && Lines.Count == other.Lines.Count &&
        Lines.Zip(other.Lines).All(p => p.First.SameAs(p.Second));
}

/// <summary>One line of an <see cref="Invoice"/>.</summary>
public sealed class InvoiceLine
{
    /// <summary>What was bought.</summary>
    [JsonPropertyName("description")]
    [Required]
    public string Description { get; set; } = "";

    /// <summary>How many.</summary>
    [JsonPropertyName("quantity")]
    [Range(1, 10_000)]
    public int Quantity { get; set; }

    /// <summary>The price of one.</summary>
    [JsonPropertyName("unitPrice")]
    [Range(0, 100_000)]
    public decimal UnitPrice { get; set; }

    /// <summary>Quantity times unit price.</summary>
    [JsonPropertyName("amount")]
    [Range(0, 1_000_000)]
    public decimal Amount { get; set; }

    /// <summary>True when every field equals the other line's.</summary>
    public bool SameAs(InvoiceLine other) =>
        Description == other.Description && Quantity == other.Quantity && UnitPrice == other.UnitPrice && Amount == other.Amount;
}
