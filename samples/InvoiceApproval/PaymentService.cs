using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nines.Samples.InvoiceApproval;

/// <summary>
/// A fake payment provider that keeps its ledger in a JSON-lines file. Like a real one (Stripe's
/// <c>Idempotency-Key</c>), it deduplicates by idempotency key: paying twice with one key pays once and returns the
/// first payment, and <see cref="FindAsync"/> answers "did this key go through?" after a crash.
/// </summary>
/// <remarks>
/// Safe across threads and processes: every operation holds the file open exclusively, and a payment is flushed to
/// disk before <see cref="PayAsync"/> returns — so a process killed right after the call has still paid.
/// </remarks>
public sealed class PaymentService
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private readonly TimeProvider _time;

    /// <summary>Creates the service over a ledger file (created on the first payment).</summary>
    public PaymentService(string ledgerPath, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ledgerPath);
        LedgerPath = Path.GetFullPath(ledgerPath);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The ledger file.</summary>
    public string LedgerPath { get; }

    /// <summary>Pays, or returns the payment already made under <paramref name="idempotencyKey"/>.</summary>
    /// <returns>The payment and whether this call made it (false: deduplicated).</returns>
    public async Task<(Payment Payment, bool Created)> PayAsync(string idempotencyKey, Invoice invoice, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        ArgumentNullException.ThrowIfNull(invoice);
        await using var file = await OpenExclusiveAsync(cancellationToken).ConfigureAwait(false);
        var payments = await ReadAsync(file, cancellationToken).ConfigureAwait(false);
        if (payments.FirstOrDefault(p => p.IdempotencyKey == idempotencyKey) is { } existing)
        {
            return (existing, false);
        }

        var payment = new Payment(
            string.Create(CultureInfo.InvariantCulture, $"PAY-{payments.Count + 1:D4}"),
            idempotencyKey,
            invoice.Number,
            invoice.Vendor,
            invoice.Total,
            invoice.Currency,
            _time.GetUtcNow());
        file.Seek(0, SeekOrigin.End);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(payment, _json) + "\n");
        await file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
        return (payment, true);
    }

    /// <summary>The payment made under <paramref name="idempotencyKey"/>, or null.</summary>
    public async Task<Payment?> FindAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var payments = await ListAsync(cancellationToken).ConfigureAwait(false);
        return payments.FirstOrDefault(p => p.IdempotencyKey == idempotencyKey);
    }

    /// <summary>Every payment, oldest first.</summary>
    public async Task<IReadOnlyList<Payment>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(LedgerPath))
        {
            return [];
        }

        await using var file = await OpenExclusiveAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<Payment>> ReadAsync(FileStream file, CancellationToken cancellationToken)
    {
        file.Seek(0, SeekOrigin.Begin);
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var payments = new List<Payment>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                payments.Add(JsonSerializer.Deserialize<Payment>(line, _json)!);
            }
        }

        return payments;
    }

    private async Task<FileStream> OpenExclusiveAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new FileStream(LedgerPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 100)
            {
                // Another process holds the ledger for a moment; wait our turn.
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
