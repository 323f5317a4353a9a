using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Nines.Simulation;

namespace Nines.Samples.InvoiceApproval;

/// <summary>
/// Tells the simulated model the right answer for an invoice text, so it can answer right (or wrong, at its
/// profile's rate) without a paid API. It reads the sample's plain invoice layout with regular expressions —
/// the part a real model would do.
/// </summary>
public sealed partial class InvoiceOracle : ISimulationOracle
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public SimulatedTask? Resolve(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            if (Parse(message.Text ?? "") is { } invoice)
            {
                return new SimulatedTask(JsonSerializer.Serialize(invoice, _json));
            }
        }

        return null;
    }

    /// <summary>Reads an invoice in the sample's layout, or returns null when the text has none.</summary>
    public static Invoice? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var number = NumberPattern().Match(text);
        var vendor = VendorPattern().Match(text);
        var issued = IssuedPattern().Match(text);
        var total = TotalPattern().Match(text);
        if (!number.Success || !vendor.Success || !issued.Success || !total.Success)
        {
            return null;
        }

        var invoice = new Invoice
        {
            Number = number.Groups[1].Value,
            Vendor = vendor.Groups[1].Value.Trim(),
            Date = DateOnly.ParseExact(issued.Groups[1].Value.Trim(), "d MMMM yyyy", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Total = decimal.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            Currency = total.Groups[2].Value,
        };
        foreach (Match line in LinePattern().Matches(text))
        {
            invoice.Lines.Add(new InvoiceLine
            {
                Quantity = int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture),
                Description = line.Groups[2].Value.Trim(),
                UnitPrice = decimal.Parse(line.Groups[3].Value, CultureInfo.InvariantCulture),
                Amount = decimal.Parse(line.Groups[4].Value, CultureInfo.InvariantCulture),
            });
        }

        return invoice;
    }

    [GeneratedRegex(@"INVOICE (INV-\d{5})")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^From:(.+)$", RegexOptions.Multiline)]
    private static partial Regex VendorPattern();

    [GeneratedRegex(@"^Issued:(.+)$", RegexOptions.Multiline)]
    private static partial Regex IssuedPattern();

    [GeneratedRegex(@"^TOTAL DUE: ([\d.]+) ([A-Z]{3})", RegexOptions.Multiline)]
    private static partial Regex TotalPattern();

    [GeneratedRegex(@"^\s+(\d+) x (.+?) @ ([\d.]+) = ([\d.]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex LinePattern();
}
