using System.ComponentModel.DataAnnotations;

namespace Nines.Tests.Contracts;

public sealed class TestInvoice
{
    [Required]
    public string Number { get; set; } = "";

    [Required]
    public string Customer { get; set; } = "";

    [Range(0, 1_000_000)]
    public decimal Total { get; set; }

    public string Currency { get; set; } = "EUR";

    public List<TestInvoiceLine> Lines { get; set; } = [];
}

public sealed class TestInvoiceLine
{
    [Required]
    public string? Description { get; set; }

    [Range(1, 1000)]
    public int Quantity { get; set; }

    public decimal Amount { get; set; }
}
