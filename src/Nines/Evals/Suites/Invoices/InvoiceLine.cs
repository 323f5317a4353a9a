using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Invoices;

/// <summary>One line of an <see cref="Invoice"/>.</summary>
internal sealed class InvoiceLine
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
