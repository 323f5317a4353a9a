using System.Text.Json;

namespace Nines.Tests.Cli;

public sealed class BenchDurableCommandTests
{
    [Fact]
    public async Task BenchDurable_TinySqliteRun_PrintsLatencyFloorThroughputAndTargetRows()
    {
        var result = await CliTestRunner.RunAsync("bench", "durable", "--store", "sqlite", "--steps", "2", "--runs", "4");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Single(lines, l => l.StartsWith("per-step latency, 1 run in flight ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("floor: one fsync (100 B append + fsync)", StringComparison.Ordinal));
        Assert.Single(lines, l => l.TrimStart().StartsWith("1     4      8", StringComparison.Ordinal));
        Assert.Single(lines, l => l.TrimStart().StartsWith("8     8     16", StringComparison.Ordinal));
        Assert.Single(lines, l => l.TrimStart().StartsWith("64    64    128", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("per-step p50 ≤ 2× one fsync (ms)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BenchDurable_Json_PrintsTheFiguresAndDeletesTheTempStore()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "nines-bench-*").ToHashSet();

        var result = await CliTestRunner.RunAsync("bench", "durable", "--steps", "1", "--runs", "2", "--payload", "50", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(50, root.GetProperty("payloadBytes").GetInt32());
        Assert.Equal(2, root.GetProperty("stepLatency").GetProperty("samples").GetInt32());
        Assert.Equal(200, root.GetProperty("floor").GetProperty("samples").GetInt32());
        Assert.Equal([1, 8, 64], root.GetProperty("throughput").EnumerateArray().Select(t => t.GetProperty("inFlight").GetInt32()));
        Assert.All(root.GetProperty("throughput").EnumerateArray(), t => Assert.True(t.GetProperty("stepsPerSecond").GetDouble() > 0));
        Assert.Subset(before, Directory.GetDirectories(Path.GetTempPath(), "nines-bench-*").ToHashSet());
    }

    [Fact]
    public async Task BenchDurable_ZeroSteps_ExitsWithUsage()
    {
        var result = await CliTestRunner.RunAsync("bench", "durable", "--steps", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --steps must be between 1 and 10000 (got 0).", result.ErrorLines.Single());
    }
}

[Collection("postgres")]
public sealed class BenchDurablePostgreSqlTests(Nines.Tests.Workflows.Storage.PostgresClusterFixture postgres)
{
    [Fact]
    public async Task BenchDurable_PostgreSql_PrintsStepLatencyAgainstTheInsertCommitFloor()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("bench_" + Guid.NewGuid().ToString("N")[..8]);

        var result = await CliTestRunner.RunAsync("bench", "durable", "--store", "postgres:" + database, "--steps", "2", "--runs", "4", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(2 * 4, root.GetProperty("stepLatency").GetProperty("samples").GetInt32());
        Assert.StartsWith("one INSERT + COMMIT", root.GetProperty("floorDescription").GetString(), StringComparison.Ordinal);
        Assert.Equal([1, 8, 64], root.GetProperty("throughput").EnumerateArray().Select(t => t.GetProperty("inFlight").GetInt32()));
        Assert.DoesNotContain("Password", result.Out, StringComparison.OrdinalIgnoreCase);
    }
}
