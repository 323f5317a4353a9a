using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Samples.InvoiceApproval;

/// <summary>
/// The console program: <c>start</c>, <c>worker</c>, <c>status</c>, <c>payments</c>. Every command opens the same
/// SQLite store, so runs started by one process are continued by another — that is the point of the sample.
/// </summary>
internal static partial class Program
{
    /// <summary>The store file when <c>--store</c> is not given, relative to the working directory.</summary>
    public const string DefaultStore = "invoices.db";

    private const string Usage = """
        Usage (from the repository root):
          dotnet run --project samples/InvoiceApproval -- start <invoice-file-or-name> [--id <run-id>] [--crash-after <step>]
          dotnet run --project samples/InvoiceApproval -- worker [--crash-after <step>]
          dotnet run --project samples/InvoiceApproval -- status <run-id>
          dotnet run --project samples/InvoiceApproval -- payments

        Options:
          --store <path>        the workflow store (default invoices.db in the working directory);
                                payments.jsonl is kept next to it
          --id <run-id>         the run id (default: the invoice number); starting an id twice is a no-op
          --crash-after <step>  kill this process right after that step's body runs, before its result is
                                journaled: extract, validate or pay
        Invoices: small, large (built in), or the path of a text file.
        """;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Runs a command.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            var parsed = Arguments.Parse(args);
            return parsed.Command switch
            {
                "start" => await StartAsync(parsed).ConfigureAwait(false),
                "worker" => await WorkerAsync(parsed).ConfigureAwait(false),
                "status" => await StatusAsync(parsed).ConfigureAwait(false),
                "payments" => await PaymentsAsync(parsed).ConfigureAwait(false),
                _ => throw new UsageException(parsed.Command is null ? "no command given." : $"unknown command '{parsed.Command}'."),
            };
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message + "\n\n" + Usage).ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is WorkflowException or IOException)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> StartAsync(Arguments args)
    {
        var source = args.Positional(0, "start needs an invoice: small, large or a file path");
        var text = await ReadInvoiceAsync(source).ConfigureAwait(false);
        var runId = args.Option("--id") ?? DefaultRunId(text, source);
        await using var app = new SampleApp(args);
        var client = app.Client();
        var existed = await app.FindRunAsync(runId).ConfigureAwait(false) is not null;
        var run = await client.StartAsync<ApproveInvoiceWorkflow, string, InvoiceReceipt>(text, new StartWorkflowOptions { RunId = runId }).ConfigureAwait(false);
        Console.WriteLine(existed
            ? $"run {runId} already exists ({Status(run)}): not starting another"
            : $"started run {runId} ({run.Workflow} v{run.Version}) for {source}; store {app.StoreArgument}");
        if (!WorkflowClient.IsFinished(run.Status))
        {
            run = await app.DriveAsync(runId).ConfigureAwait(false);
        }

        Console.WriteLine();
        Console.WriteLine(await app.DescribeAsync(run).ConfigureAwait(false));
        return 0;
    }

    private static async Task<int> WorkerAsync(Arguments args)
    {
        await using var app = new SampleApp(args);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        // `kill <pid>` stops it as gently as Ctrl+C: in-flight steps finish, held runs are released at once.
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        Console.WriteLine($"worker {app.WorkerId} on {app.StoreArgument}: resuming suspended and orphaned runs; Ctrl+C to stop");
        var worker = app.RunWorkerAsync(stop.Token);
        await app.WatchAsync(stop.Token).ConfigureAwait(false);
        await worker.ConfigureAwait(false);
        Console.WriteLine("worker stopped; runs it held were released for the next worker");
        return 0;
    }

    private static async Task<int> StatusAsync(Arguments args)
    {
        var runId = args.Positional(0, "status needs a run id");
        await using var app = new SampleApp(args);
        var client = app.Client();
        var run = await client.GetRunAsync(runId).ConfigureAwait(false);
        Console.WriteLine(await app.DescribeAsync(run).ConfigureAwait(false));
        Console.WriteLine();
        Console.WriteLine("journal:");
        foreach (var step in await client.GetStepsAsync(runId).ConfigureAwait(false))
        {
            var key = step.IdempotencyKey is null ? "" : $" key={step.IdempotencyKey}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step.Position,2} {step.Kind,-6} {step.Name,-9} {step.Status,-9} attempts={step.Attempts}{key}"));
        }

        if (run.Status == WorkflowRunStatus.Completed)
        {
            Console.WriteLine();
            Console.WriteLine("receipt:");
            Console.WriteLine(JsonSerializer.Serialize(await client.GetResultAsync<InvoiceReceipt>(runId).ConfigureAwait(false), _json));
        }

        return 0;
    }

    private static async Task<int> PaymentsAsync(Arguments args)
    {
        await using var app = new SampleApp(args);
        var payments = await app.Payments.ListAsync().ConfigureAwait(false);
        Console.WriteLine($"{payments.Count} payment(s) in {Path.GetRelativePath(Environment.CurrentDirectory, app.Payments.LedgerPath)}");
        foreach (var p in payments)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Id}  {p.Invoice}  {ApproveInvoiceWorkflow.Money(p.Amount, p.Currency),16}  {p.Vendor,-20} key={p.IdempotencyKey}  {p.PaidAt:yyyy-MM-dd HH:mm:ss}Z"));
        }

        return 0;
    }

    private static async Task<string> ReadInvoiceAsync(string source)
    {
        if (File.Exists(source))
        {
            return await File.ReadAllTextAsync(source).ConfigureAwait(false);
        }

        var builtIn = Path.Combine(AppContext.BaseDirectory, "invoices", source + ".txt");
        if (File.Exists(builtIn))
        {
            return await File.ReadAllTextAsync(builtIn).ConfigureAwait(false);
        }

        throw new UsageException($"no invoice file '{source}' and no built-in invoice of that name; use small, large or a path to a text file.");
    }

    /// <summary>The invoice number, lower-cased (<c>inv-20417</c>): starting the same invoice twice then finds the first run.</summary>
    private static string DefaultRunId(string text, string source)
    {
        var match = InvoiceNumber().Match(text);
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : Path.GetFileNameWithoutExtension(source);
    }

    internal static string Status(WorkflowRun run) => run.Status.ToString().ToLowerInvariant();

    [GeneratedRegex(@"INVOICE (INV-\d+)")]
    private static partial Regex InvoiceNumber();
}
