using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Nines.Samples.InvoiceApproval;
using Nines.Simulation;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Samples;

/// <summary>
/// samples/InvoiceApproval: the workflow in-process (small, approved, rejected), and the real program as child
/// processes for the crash: killed right after the payment call, it must not pay twice when the worker restarts.
/// </summary>
public sealed class InvoiceApprovalSampleTests : IAsyncLifetime
{
    private static readonly string _sampleDirectory = Path.GetDirectoryName(typeof(ApproveInvoiceWorkflow).Assembly.Location)!;
    private readonly string _directory = Directory.CreateTempSubdirectory("nines-invoice-").FullName;
    private readonly StringWriter _log = new();
    private SqliteWorkflowStore _store = null!;
    private PaymentService _payments = null!;
    private WorkflowRegistry _registry = null!;
    private FakeTimeProvider _time = null!;

    private string StorePath => Path.Combine(_directory, "invoices.db");

    public Task InitializeAsync()
    {
        _store = new SqliteWorkflowStore(StorePath);
        _payments = new PaymentService(Path.Combine(_directory, "payments.jsonl"));
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 20, 9, 0, 0, TimeSpan.Zero));
        var model = new SimulatedChatClient(
            SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero },
            new SimulationOptions { Seed = 7, Oracle = new InvoiceOracle() });
        _registry = new WorkflowRegistry().Add(() => new ApproveInvoiceWorkflow(model, _payments, new ApproveInvoiceOptions { Log = _log }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task RunAsync_SmallInvoice_CompletesWithOnePaymentAndNoApproval()
    {
        var client = Client();

        await client.StartAsync<ApproveInvoiceWorkflow, string, InvoiceReceipt>(Invoice("small"), new StartWorkflowOptions { RunId = "inv-small" });
        await Worker().RunUntilIdleAsync();

        var receipt = await client.GetResultAsync<InvoiceReceipt>("inv-small");
        Assert.Equal(InvoiceReceipt.Paid, receipt.Outcome);
        Assert.Null(receipt.ApprovedBy);
        var payment = Assert.Single(await _payments.ListAsync());
        Assert.Equal(receipt.PaymentId, payment.Id);
        Assert.Equal(("INV-20311", 460.00m, "EUR"), (payment.Invoice, payment.Amount, payment.Currency));
        Assert.Equal("inv-small/2/pay", payment.IdempotencyKey);
    }

    [Fact]
    public async Task RunAsync_LargeInvoice_SuspendsUntilApprovedThenPaysOnce()
    {
        var client = Client();
        await client.StartAsync<ApproveInvoiceWorkflow, string, InvoiceReceipt>(Invoice("large"), new StartWorkflowOptions { RunId = "inv-1" });

        await Worker().RunUntilIdleAsync();

        var waiting = await client.GetRunAsync("inv-1");
        Assert.Equal(WorkflowRunStatus.Suspended, waiting.Status);
        Assert.Equal("signal:approval", waiting.WaitingFor);
        Assert.Empty(await _payments.ListAsync());

        await client.SignalAsync("inv-1", ApproveInvoiceWorkflow.ApprovalSignal, new Approval(Approved: true, By: "ann"));
        await Worker().RunUntilIdleAsync();

        var receipt = await client.GetResultAsync<InvoiceReceipt>("inv-1");
        Assert.Equal((InvoiceReceipt.Paid, "ann"), (receipt.Outcome, receipt.ApprovedBy));
        var payment = Assert.Single(await _payments.ListAsync());
        Assert.Equal((receipt.PaymentId, 14_870.00m), (payment.Id, payment.Amount));

        // The resumed execution replayed extract and validate from the journal instead of calling the model again.
        var log = _log.ToString();
        Assert.Single(Lines(log, "[inv-1] extract   RAN"));
        Assert.Single(Lines(log, "[inv-1] extract   replayed"));
        Assert.Single(Lines(log, "[inv-1] validate  replayed"));
    }

    [Fact]
    public async Task RunAsync_LargeInvoiceRejected_EndsRejectedWithoutPayment()
    {
        var client = Client();
        await client.StartAsync<ApproveInvoiceWorkflow, string, InvoiceReceipt>(Invoice("large"), new StartWorkflowOptions { RunId = "inv-2" });
        await Worker().RunUntilIdleAsync();

        await client.SignalAsync("inv-2", ApproveInvoiceWorkflow.ApprovalSignal, new Approval(Approved: false, By: "bob", Reason: "not ordered"));
        await Worker().RunUntilIdleAsync();

        var receipt = await client.GetResultAsync<InvoiceReceipt>("inv-2");
        Assert.Equal((InvoiceReceipt.Rejected, "bob"), (receipt.Outcome, receipt.ApprovedBy));
        Assert.Null(receipt.PaymentId);
        Assert.Contains("not ordered", Assert.Single(receipt.Problems!), StringComparison.Ordinal);
        Assert.Empty(await _payments.ListAsync());
    }

    [Fact]
    public async Task PayAsync_SameIdempotencyKeyTwice_PaysOnce()
    {
        var invoice = InvoiceOracle.Parse(Invoice("small"))!;

        var (first, firstCreated) = await _payments.PayAsync("inv-9/2/pay", invoice);
        var (second, secondCreated) = await _payments.PayAsync("inv-9/2/pay", invoice);

        Assert.True(firstCreated);
        Assert.False(secondCreated);
        Assert.Equal(first, second);
        Assert.Single(await _payments.ListAsync());
        Assert.Equal(first, await _payments.FindAsync("inv-9/2/pay"));
    }

    [Fact]
    public void Contract_LinesNotAddingUpToTotal_IsRejected()
    {
        var check = InvoiceExtraction.Contract.Check("""
            {"number":"INV-20311","vendor":"Pine & Co","date":"2026-03-03","currency":"EUR",
             "lines":[{"description":"Toner","quantity":4,"unitPrice":89.5,"amount":358.0}],"total":460.0}
            """);

        Assert.False(check.IsValid);
        Assert.Contains("the line amounts must add up to the total", check.Errors);
    }

    [Fact]
    public async Task Program_KilledRightAfterPaymentCall_RestartedWorkerCompletesWithoutPayingTwice()
    {
        var ledger = Path.Combine(_directory, "payments.jsonl");

        var start = await RunToExitAsync("start", "large", "--id", "inv-1", "--store", StorePath);
        Assert.True(start.ExitCode == 0, start.Output);
        Assert.Contains("run inv-1 is SUSPENDED, waiting for signal 'approval'", start.Output, StringComparison.Ordinal);

        await Client().SignalAsync("inv-1", ApproveInvoiceWorkflow.ApprovalSignal, new Approval(Approved: true, By: "ann"));

        // The payment is made and flushed, then the process dies before the effect's result reaches the journal.
        var crashed = await RunToExitAsync("worker", "--store", StorePath, "--crash-after", "pay");
        Assert.NotEqual(0, crashed.ExitCode);
        Assert.Contains("--crash-after pay: killing this process now", crashed.Output, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(ledger));
        var pay = Assert.Single(await _store.GetStepsAsync("inv-1"), s => s.Name == "pay");
        Assert.Equal(StepStatus.Started, pay.Status);

        // A new worker takes the run over once the dead worker's lease expires, and reconciles instead of paying.
        var (restarted, output) = StartProcess("worker", "--store", StorePath);
        try
        {
            var run = await WaitForAsync("inv-1", WorkflowRunStatus.Completed, TimeSpan.FromSeconds(90));
            Assert.True(run.Status == WorkflowRunStatus.Completed, $"run is {run.Status}: {run.Error}\n{output}");
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }

        Assert.Single(File.ReadAllLines(ledger));
        var receipt = await Client().GetResultAsync<InvoiceReceipt>("inv-1");
        Assert.Equal((InvoiceReceipt.Paid, "PAY-0001", "ann"), (receipt.Outcome, receipt.PaymentId, receipt.ApprovedBy));
        Assert.Contains("already paid as PAY-0001 before the crash: not paying again", output.ToString(), StringComparison.Ordinal);
    }

    private WorkflowClient Client() => new(_store, _registry, EngineOptions("client"));

    private WorkflowWorker Worker() => new(_store, _registry, EngineOptions("test-worker"));

    private WorkflowEngineOptions EngineOptions(string id) => new() { WorkerId = id, TimeProvider = _time };

    private static string Invoice(string name) => File.ReadAllText(Path.Combine(_sampleDirectory, "invoices", name + ".txt"));

    private static string[] Lines(string log, string prefix) =>
        log.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToArray();

    private async Task<WorkflowRun> WaitForAsync(string runId, WorkflowRunStatus status, TimeSpan timeout)
    {
        // Real processes on a real clock: poll the shared store file.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var run = (await _store.GetRunAsync(runId))!;
            if (run.Status == status || WorkflowClient.IsFinished(run.Status) || deadline.Elapsed > timeout)
            {
                return run;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args)
    {
        var (process, output) = StartProcess(args);
        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{string.Join(' ', args)}' did not exit within 60 s:\n{output}");
            }

            // WaitForExitAsync returns once the output streams are drained too.
            return (process.ExitCode, output.ToString());
        }
    }

    private (Process Process, StringBuilder Output) StartProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        info.ArgumentList.Add(typeof(ApproveInvoiceWorkflow).Assembly.Location);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
