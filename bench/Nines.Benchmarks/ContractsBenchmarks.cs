using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Nines;
using Nines.Contracts;

namespace Nines.Benchmarks;

/// <summary>
/// Cost of checking a ~1 KB invoice reply against its contract (schema + DataAnnotations + one rule), against plain
/// deserialisation, and of a whole AskAsync over an in-memory client that returns a cached valid reply.
/// </summary>
[MemoryDiagnoser]
public class ContractsBenchmarks
{
    private readonly Contract<BenchInvoice> _contract = new Contract<BenchInvoice>()
        .Require(i => i.Lines.Sum(l => l.Amount) == i.Total, "line items must add up to the total");

    private readonly ChatResponse _reply = new(new ChatMessage(ChatRole.Assistant, InvoiceJson)) { FinishReason = ChatFinishReason.Stop };
    private IChatClient _client = null!;

    public static string InvoiceJson { get; } = BuildInvoiceJson();

    [GlobalSetup]
    public void Setup()
    {
        _client = new CachedReplyChatClient(_reply);
        if (!_contract.Check(_reply).IsValid)
        {
            throw new InvalidOperationException("The benchmark invoice must be valid: " + string.Join("; ", _contract.Check(_reply).Errors));
        }
    }

    [Benchmark(Baseline = true, Description = "Raw deserialise")]
    public BenchInvoice? Raw() => JsonSerializer.Deserialize<BenchInvoice>(_reply.Text, AIJsonUtilities.DefaultOptions);

    [Benchmark(Description = "Contract.Check")]
    public BenchInvoice? Check() => _contract.Check(_reply).Value;

    [Benchmark(Description = "AskAsync (in-memory client)")]
    public Task<BenchInvoice> Ask() => _client.AskAsync("Extract the invoice", _contract);

    private static string BuildInvoiceJson()
    {
        var invoice = new BenchInvoice
        {
            Number = "INV-2026-000142",
            Customer = "Acme Industrial Supplies GmbH",
            Email = "accounts@acme.example",
            Currency = "EUR",
            IssuedOn = "2026-11-20",
            Lines = [.. Enumerable.Range(1, 8).Select(i => new BenchLine { Sku = $"SKU-{i:0000}", Description = $"Item number {i}, standard grade", Quantity = i, Amount = 12.5m * i })],
        };
        invoice.Total = invoice.Lines.Sum(l => l.Amount);
        return JsonSerializer.Serialize(invoice, AIJsonUtilities.DefaultOptions);
    }
}

public sealed class BenchInvoice
{
    [Required]
    public string Number { get; set; } = "";

    [Required]
    public string Customer { get; set; } = "";

    [EmailAddress]
    public string? Email { get; set; }

    [Required]
    public string Currency { get; set; } = "";

    public string IssuedOn { get; set; } = "";

    [Range(0, 1_000_000)]
    public decimal Total { get; set; }

    public List<BenchLine> Lines { get; set; } = [];
}

public sealed class BenchLine
{
    [Required]
    public string Sku { get; set; } = "";

    [Required]
    public string Description { get; set; } = "";

    [Range(1, 10_000)]
    public int Quantity { get; set; }

    [Range(0, 1_000_000)]
    public decimal Amount { get; set; }
}
