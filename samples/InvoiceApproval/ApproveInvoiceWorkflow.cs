using System.Globalization;
using Microsoft.Extensions.AI;
using Nines.Models;
using Nines.Workflows;

namespace Nines.Samples.InvoiceApproval;

/// <summary>
/// <c>approve-invoice</c>: extract an invoice from text with a contract → validate it → above the limit, wait for a
/// person's <c>approval</c> signal → pay exactly once → return a receipt.
/// </summary>
/// <remarks>
/// Each step body runs once: after a crash or a suspension the method re-runs from the top, and completed steps
/// return their journaled results (logged as <c>replayed</c>) without calling the model or the payment service again.
/// </remarks>
[Workflow(Name, Version = 1)]
public sealed class ApproveInvoiceWorkflow(IChatClient model, PaymentService payments, ApproveInvoiceOptions? options = null)
    : IWorkflow<string, InvoiceReceipt>
{
    /// <summary>The workflow name in the store.</summary>
    public const string Name = "approve-invoice";

    /// <summary>The signal an approver sends.</summary>
    public const string ApprovalSignal = "approval";

    private readonly ApproveInvoiceOptions _options = options ?? new ApproveInvoiceOptions();

    /// <inheritdoc />
    public async Task<InvoiceReceipt> RunAsync(WorkflowContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(input);

        var invoice = await StepAsync(context, "extract", async ct =>
        {
            var result = await model.AskWithDetailsAsync(InvoiceExtraction.Prompt(input), InvoiceExtraction.Contract, cancellationToken: ct).ConfigureAwait(false);
            var rejected = result.Attempts.Where(a => a.Category != FailureCategory.None).Select(a => a.Category.ToString()).ToList();
            Log(context, "extract", "model", rejected.Count == 0
                ? $"{result.Attempts.Count} call, the reply met the contract"
                : $"{result.Attempts.Count} calls, re-asked after {string.Join(", ", rejected)}");
            return result.Value;
        }, i => $"{i.Number} from {i.Vendor}: {Money(i.Total, i.Currency)} in {i.Lines.Count} lines");

        var check = await StepAsync(context, "validate", ct => ValidateAsync(invoice, ct), c => c switch
        {
            { IsValid: false } => "invalid: " + string.Join("; ", c.Problems),
            { NeedsApproval: true } => $"ok; over the {Money(_options.ApprovalLimit, invoice.Currency)} limit, needs approval",
            _ => $"ok; within the {Money(_options.ApprovalLimit, invoice.Currency)} limit, no approval needed",
        });
        if (!check.IsValid)
        {
            return Finish(context, new InvoiceReceipt(invoice.Number, invoice.Vendor, invoice.Total, invoice.Currency, InvoiceReceipt.Invalid, Problems: check.Problems));
        }

        string? approvedBy = null;
        if (check.NeedsApproval)
        {
            // Suspends the run (no worker holds it, no process needs to stay up) until someone sends the signal.
            var approval = await context.WaitForSignalAsync<Approval>(ApprovalSignal).ConfigureAwait(false);
            approvedBy = approval.By ?? "(unknown)";
            Log(context, "approval", "signal", $"{(approval.Approved ? "approved" : "rejected")} by {approvedBy}{(approval.Reason is null ? "" : $": {approval.Reason}")}");
            if (!approval.Approved)
            {
                return Finish(context, new InvoiceReceipt(invoice.Number, invoice.Vendor, invoice.Total, invoice.Currency, InvoiceReceipt.Rejected, ApprovedBy: approvedBy,
                    Problems: [$"rejected by {approvedBy}" + (approval.Reason is null ? "" : $": {approval.Reason}")]));
            }
        }

        var ran = false;
        var payment = await context.EffectAsync("pay", async (key, ct) =>
        {
            ran = true;
            var (made, created) = await payments.PayAsync(key, invoice, ct).ConfigureAwait(false);
            Log(context, "pay", "RAN", created
                ? $"payment service paid {made.Id}: {Money(made.Amount, made.Currency)} to {made.Vendor} (idempotency key {key})"
                : $"payment service already had key {key}: returned {made.Id}, paid nothing new");
            _options.AfterStepBody?.Invoke("pay");
            return made;
        }, reconcile: async (key, ct) =>
        {
            // The intent is journaled but not the result: the process died mid-payment. Ask the payment service.
            var found = await payments.FindAsync(key, ct).ConfigureAwait(false);
            Log(context, "pay", "reconcile", found is null
                ? $"key {key} not found at the payment service: paying now"
                : $"key {key} was already paid as {found.Id} before the crash: not paying again");
            if (found is not null)
            {
                ran = true;
            }

            return found is null ? EffectLookup<Payment>.NotApplied : EffectLookup<Payment>.Applied(found);
        }).ConfigureAwait(false);
        if (!ran)
        {
            Log(context, "pay", "replayed", $"{payment.Id} (from the journal)");
        }

        return Finish(context, new InvoiceReceipt(invoice.Number, invoice.Vendor, invoice.Total, invoice.Currency, InvoiceReceipt.Paid, payment.Id, approvedBy));
    }

    private async Task<InvoiceCheck> ValidateAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (invoice.Total <= 0)
        {
            problems.Add($"the total is {Money(invoice.Total, invoice.Currency)}; nothing to pay");
        }

        // Reads the outside world, which is why this is a step: a replay must see the answer the first run saw.
        var paid = (await payments.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.Invoice == invoice.Number);
        if (paid is not null)
        {
            problems.Add($"{invoice.Number} was already paid as {paid.Id}");
        }

        return new InvoiceCheck(problems, invoice.Total > _options.ApprovalLimit);
    }

    /// <summary>Runs a step and logs whether its body ran now or its result came from the journal.</summary>
    private async Task<T> StepAsync<T>(WorkflowContext context, string name, Func<CancellationToken, Task<T>> body, Func<T, string> describe)
    {
        var ran = false;
        var value = await context.StepAsync(name, async ct =>
        {
            ran = true;
            var result = await body(ct).ConfigureAwait(false);
            Log(context, name, "RAN", describe(result));
            _options.AfterStepBody?.Invoke(name);
            return result;
        }).ConfigureAwait(false);
        if (!ran)
        {
            Log(context, name, "replayed", describe(value));
        }

        return value;
    }

    private InvoiceReceipt Finish(WorkflowContext context, InvoiceReceipt receipt)
    {
        Log(context, "receipt", receipt.Outcome, receipt.PaymentId is null ? $"{receipt.Invoice}, nothing paid" : $"{receipt.Invoice} paid as {receipt.PaymentId}");
        return receipt;
    }

    private void Log(WorkflowContext context, string step, string what, string detail)
    {
        lock (_options.Log)
        {
            _options.Log.WriteLine($"[{context.RunId}] {step,-9} {what,-9} {detail}");
            _options.Log.Flush();
        }
    }

    /// <summary>Formats an amount the same way everywhere: <c>14,870.00 EUR</c>.</summary>
    public static string Money(decimal amount, string currency) => amount.ToString("N2", CultureInfo.InvariantCulture) + " " + currency;
}
