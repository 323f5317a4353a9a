using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Nines.Simulation;

namespace Nines.Evals.Suites.Invoices;

/// <summary>
/// The invoice-extraction task of the <c>invoices</c> suite and <c>nines demo</c>: extract a typed <see cref="Invoice"/> from a plain-text invoice. Invoices are generated from a
/// seed, so the right answer is known and a simulated model can answer from it (the oracle).
/// </summary>
internal sealed partial class InvoiceScenario : ISimulationOracle
{
    private static readonly string[] _vendors = ["Acme Tools GmbH", "Blue Harbour Ltd", "Nordlicht AB", "Sierra Office Supply", "Kestrel Logistics", "Pine & Co"];
    private static readonly string[] _items = ["Steel bolts", "Copy paper A4", "Cloud hosting (month)", "Consulting hour", "Desk lamp", "Shipping", "USB-C cable", "Toner cartridge"];
    private static readonly string[] _currencies = ["EUR", "USD", "GBP", "CHF"];

    internal static IReadOnlyList<string> KnownCurrencies => _currencies;

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, Invoice> _truth = [];

    public InvoiceScenario(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var invoice = Generate(random, i);
            _truth[invoice.Number] = invoice;
            Cases.Add(new InvoiceCase(invoice, Render(invoice)));
        }
    }

    public List<InvoiceCase> Cases { get; } = [];

    public static string Prompt(InvoiceCase c) =>
        "Extract the invoice below as JSON with the fields number, vendor, date (yyyy-MM-dd), currency (ISO code), " +
        "lines (description, quantity, unitPrice, amount) and total.\n\n" + c.Text;

    public SimulatedTask? Resolve(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        foreach (var message in messages)
        {
            var match = NumberPattern().Match(message.Text ?? "");
            if (match.Success && _truth.TryGetValue(match.Groups[1].Value, out var invoice))
            {
                return new SimulatedTask(JsonSerializer.Serialize(invoice, JsonOptions), random => JsonSerializer.Serialize(Mistake(invoice, random), JsonOptions));
            }
        }

        return null;
    }

    /// <summary>A mistake a real model makes: some break the arithmetic (caught by rules), some are plausible and only voting catches them.</summary>
    internal static Invoice Mistake(Invoice truth, Random random)
    {
        var wrong = JsonSerializer.Deserialize<Invoice>(JsonSerializer.Serialize(truth, JsonOptions), JsonOptions)!;
        switch (random.Next(5))
        {
            case 0:
                wrong.Total += random.Next(1, 50);
                break;
            case 1:
                var line = wrong.Lines[random.Next(wrong.Lines.Count)];
                line.Amount += random.Next(1, 9) * 10;
                break;
            case 2:
                var date = DateOnly.ParseExact(wrong.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(random.Next(1, 28) * (random.Next(2) == 0 ? -1 : 1));
                wrong.Date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                break;
            case 3:
                wrong.Currency = _currencies[(Array.IndexOf(_currencies, wrong.Currency) + 1 + random.Next(_currencies.Length - 1)) % _currencies.Length];
                break;
            default:
                wrong.Vendor = wrong.Vendor.Replace(" ", random.Next(2) == 0 ? "" : "  ", StringComparison.Ordinal) + (random.Next(2) == 0 ? " Inc" : "");
                break;
        }

        return wrong;
    }

    private static Invoice Generate(Random random, int index)
    {
        var invoice = new Invoice
        {
            Number = $"INV-{10000 + index:D5}",
            Vendor = _vendors[random.Next(_vendors.Length)],
            Date = new DateOnly(2026, 1, 1).AddDays(random.Next(330)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Currency = _currencies[random.Next(_currencies.Length)],
        };
        var lineCount = random.Next(1, 5);
        for (var i = 0; i < lineCount; i++)
        {
            var quantity = random.Next(1, 12);
            var unitPrice = random.Next(100, 50_000) / 100m;
            invoice.Lines.Add(new InvoiceLine
            {
                Description = _items[random.Next(_items.Length)],
                Quantity = quantity,
                UnitPrice = unitPrice,
                Amount = quantity * unitPrice,
            });
        }

        invoice.Total = invoice.Lines.Sum(l => l.Amount);
        return invoice;
    }

    private static string Render(Invoice invoice)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"INVOICE {invoice.Number}\n");
        text.Append(CultureInfo.InvariantCulture, $"From: {invoice.Vendor}\n");
        var date = DateOnly.ParseExact(invoice.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"Issued: {date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}\n\n");
        foreach (var line in invoice.Lines)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {line.Quantity} x {line.Description} @ {line.UnitPrice:0.00} {invoice.Currency} = {line.Amount:0.00}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nTOTAL DUE: {invoice.Total:0.00} {invoice.Currency}\n");
        return text.ToString();
    }

    [GeneratedRegex(@"INVOICE (INV-\d{5})")]
    private static partial Regex NumberPattern();
}
