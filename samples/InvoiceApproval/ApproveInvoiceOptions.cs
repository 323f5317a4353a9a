namespace Nines.Samples.InvoiceApproval;

/// <summary>Settings of <see cref="ApproveInvoiceWorkflow"/>.</summary>
public sealed class ApproveInvoiceOptions
{
    /// <summary>Invoices with a larger total wait for an <c>approval</c> signal.</summary>
    /// <value>The default value is 10,000.</value>
    public decimal ApprovalLimit { get; set; } = 10_000m;

    /// <summary>Where the workflow says what it does: each step body that runs, each step replayed from the journal.</summary>
    /// <value>The default value is <see cref="TextWriter.Null"/>.</value>
    public TextWriter Log { get; set; } = TextWriter.Null;

    /// <summary>
    /// Called with the step name right after a step body returns, before its result is journaled. The program uses
    /// it for <c>--crash-after</c>: killing the process here is the worst moment for a crash.
    /// </summary>
    /// <value>The default value is null.</value>
    public Action<string>? AfterStepBody { get; set; }
}
