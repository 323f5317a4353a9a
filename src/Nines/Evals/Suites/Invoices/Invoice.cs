using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Invoices;

/// <summary>The typed result of invoice extraction (the <c>invoices</c> eval suite and <c>nines demo</c>).</summary>
internal sealed class Invoice
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
    public bool SameAs(Invoice other) => Difference(other) is null;

    /// <summary>The first field that differs from <paramref name="expected"/>, in words, or <see langword="null"/> when none does.</summary>
    public string? Difference(Invoice expected)
    {
        if (Number != expected.Number)
        {
            return $"number is '{Number}', expected '{expected.Number}'";
        }

        if (Vendor != expected.Vendor)
        {
            return $"vendor is '{Vendor}', expected '{expected.Vendor}'";
        }

        if (Date != expected.Date)
        {
            return $"date is {Date}, expected {expected.Date}";
        }

        if (Currency != expected.Currency)
        {
            return $"currency is {Currency}, expected {expected.Currency}";
        }

        if (Total != expected.Total)
        {
            return FormattableString.Invariant($"total is {Total}, expected {expected.Total}");
        }

        if (Lines.Count != expected.Lines.Count)
        {
            return $"{Lines.Count} lines, expected {expected.Lines.Count}";
        }

        for (var i = 0; i < Lines.Count; i++)
        {
            if (!Lines[i].SameAs(expected.Lines[i]))
            {
                return $"line {i + 1} differs";
            }
        }

        return null;
    }
}
