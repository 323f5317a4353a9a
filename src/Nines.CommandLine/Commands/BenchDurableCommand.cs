using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nines.CommandLine.Bench;
using Nines.CommandLine.Rendering;
using Nines.CommandLine.Storage;
using Nines.Workflows.Storage;

namespace Nines.CommandLine.Commands;

/// <summary>
/// <c>nines bench durable</c>: per-step latency and steps per second of durable workflows on a store, against the
/// floor of that store's storage measured in the same run.
/// </summary>
internal static class BenchDurableCommand
{
    public static Command Create(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var store = new Option<string>("--store")
        {
            Description = "sqlite (a temp file, deleted after), sqlite:<path>, postgres (a throwaway local cluster) or postgres:<connection string>.",
            HelpName = "spec",
            DefaultValueFactory = _ => "sqlite",
        };
        var steps = new Option<int>("--steps") { Description = "Sequential no-op steps per run.", DefaultValueFactory = _ => 10 };
        var runs = new Option<int>("--runs") { Description = "Runs per throughput level (at least the level's in-flight count); the latency uses up to 30 of them.", DefaultValueFactory = _ => 1024 };
        var payload = new Option<int>("--payload") { Description = "Bytes of JSON each step returns.", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };

        var command = new Command(
            "durable",
            "Per-step latency (1 run in flight), steps/s at 1, 8 and 64 runs in flight, and the storage floor (one fsync, one INSERT+COMMIT), with the ratios to the targets.");
        foreach (var option in new Option[] { store, steps, runs, payload, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = new DurableBenchOptions
            {
                Steps = parseResult.GetValue(steps),
                Runs = parseResult.GetValue(runs),
                PayloadBytes = parseResult.GetValue(payload),
            };
            options.Validate();
            var spec = StoreSpec.Parse(parseResult.GetValue(store));
            var report = spec.Kind switch
            {
                StoreKind.Sqlite => await RunSqliteAsync(console, spec, options, cancellationToken).ConfigureAwait(false),
                _ => await RunPostgreSqlAsync(console, spec, options, cancellationToken).ConfigureAwait(false),
            };

            if (parseResult.GetValue(json))
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(report, PlanCommand.JsonOptions)).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(console.Out, report).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<DurableBenchReport> RunSqliteAsync(CliConsole console, StoreSpec spec, DurableBenchOptions options, CancellationToken cancellationToken)
    {
        // Plain "sqlite": a fresh file in a temp directory, deleted afterwards; sqlite:<path> keeps the given file.
        var temporary = spec.Target is null ? Directory.CreateTempSubdirectory("nines-bench-").FullName : null;
        var path = temporary is null ? spec.SqlitePath : Path.Combine(temporary, "bench.db");
        try
        {
            await using var store = await (spec with { Target = path }).OpenAsync(TimeProvider.System, cancellationToken).ConfigureAwait(false);
            var floor = new FsyncFloor(Path.GetDirectoryName(path)!, options.PayloadBytes);
            return await new DurableBench(store, StoreKind.Sqlite, floor, options, console.Error).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (temporary is not null)
            {
                try
                {
                    Directory.Delete(temporary, recursive: true);
                }
                catch (IOException)
                {
                    // A leftover temp directory is not worth failing a finished measurement for.
                }
            }
        }
    }

    private static async Task<DurableBenchReport> RunPostgreSqlAsync(CliConsole console, StoreSpec spec, DurableBenchOptions options, CancellationToken cancellationToken)
    {
        // Plain "postgres": a throwaway local cluster (fsync on), stopped and deleted afterwards.
        LocalPostgresCluster? cluster = null;
        if (spec.Target is null)
        {
            await console.Error.WriteLineAsync("starting a throwaway PostgreSQL cluster on 127.0.0.1 …").ConfigureAwait(false);
            cluster = await LocalPostgresCluster.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var resolved = spec with { Target = cluster?.ConnectionString ?? spec.Target };
            await using var store = await resolved.OpenAsync(TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await using var floor = new PostgreSqlCommitFloor(resolved.Target!, options.PayloadBytes);
            return await new DurableBench(store, StoreKind.PostgreSql, floor, options, console.Error).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteAsync(TextWriter output, DurableBenchReport report)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"nines bench durable: {report.Store}")).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"workload: runs of {report.StepsPerRun} sequential no-op steps, each returning {report.PayloadBytes} B of JSON")).ConfigureAwait(false);
        await output.WriteLineAsync($"machine: {report.Machine}").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);

        var latency = new TableRenderer(
            new TableColumn("measure"),
            new TableColumn("samples", TableAlignment.Right),
            new TableColumn("p50 ms", TableAlignment.Right),
            new TableColumn("p99 ms", TableAlignment.Right),
            new TableColumn("mean ms", TableAlignment.Right),
            new TableColumn("max ms", TableAlignment.Right));
        AddLatency(latency, "per-step latency, 1 run in flight", report.StepLatency);
        AddLatency(latency, "floor: " + report.FloorDescription, report.Floor);
        latency.Write(output);
        await output.WriteLineAsync().ConfigureAwait(false);

        var throughput = new TableRenderer(
            new TableColumn("in flight", TableAlignment.Right),
            new TableColumn("runs", TableAlignment.Right),
            new TableColumn("steps", TableAlignment.Right),
            new TableColumn("wall s", TableAlignment.Right),
            new TableColumn("steps/s", TableAlignment.Right),
            new TableColumn("runs/s", TableAlignment.Right));
        foreach (var row in report.Throughput)
        {
            throughput.AddRow(
                row.InFlight.ToString(CultureInfo.InvariantCulture),
                row.Runs.ToString(CultureInfo.InvariantCulture),
                row.Steps.ToString(CultureInfo.InvariantCulture),
                row.WallSeconds.ToString("F2", CultureInfo.InvariantCulture),
                row.StepsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                row.RunsPerSecond.ToString("F1", CultureInfo.InvariantCulture));
        }

        throughput.Write(output);
        await output.WriteLineAsync().ConfigureAwait(false);

        var targets = new TableRenderer(
            new TableColumn("target"),
            new TableColumn("measured", TableAlignment.Right),
            new TableColumn("limit", TableAlignment.Right),
            new TableColumn("ratio", TableAlignment.Right),
            new TableColumn("met"));
        foreach (var target in report.Targets)
        {
            targets.AddRow(
                target.Name,
                target.Measured.ToString("0.###", CultureInfo.InvariantCulture),
                target.Limit.ToString("0.###", CultureInfo.InvariantCulture),
                target.Ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x",
                target.Met ? "yes" : "NO");
        }

        targets.Write(output);
        var stepOverFloor = report.StepLatency.P50Ms / report.Floor.P50Ms;
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"per-step p50 = {stepOverFloor:0.00}× the floor's p50 (ratio = measured ÷ limit; ≤ 1.00x meets the target).")).ConfigureAwait(false);
    }

    private static void AddLatency(TableRenderer table, string name, LatencyFigures figures) =>
        table.AddRow(
            name,
            figures.Samples.ToString(CultureInfo.InvariantCulture),
            figures.P50Ms.ToString("F3", CultureInfo.InvariantCulture),
            figures.P99Ms.ToString("F3", CultureInfo.InvariantCulture),
            figures.MeanMs.ToString("F3", CultureInfo.InvariantCulture),
            figures.MaxMs.ToString("F3", CultureInfo.InvariantCulture));
}
