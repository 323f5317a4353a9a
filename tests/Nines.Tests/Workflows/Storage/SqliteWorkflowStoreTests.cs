using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Nines.Workflows;
using Nines.Workflows.Storage;

namespace Nines.Tests.Workflows.Storage;

/// <summary>The conformance suite against SQLite (a temp file per test), plus what only SQLite has: the file itself.</summary>
public sealed class SqliteWorkflowStoreTests : WorkflowStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nines-sqlite-tests", Guid.NewGuid().ToString("N"));
    private int _files;

    public SqliteWorkflowStoreTests() => Directory.CreateDirectory(_directory);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    protected override async Task<IWorkflowStore> CreateStoreAsync()
    {
        var store = new SqliteWorkflowStore(NewPath());
        await store.InitializeAsync();
        return store;
    }

    [Fact]
    public async Task InitializeAsync_NewFile_UsesWalAndMarksFileAsNinesSchema1()
    {
        var path = NewPath();
        await using (var store = new SqliteWorkflowStore(path))
        {
            await store.InitializeAsync();
            await store.InitializeAsync();
        }

        Assert.Equal("wal", Pragma(path, "journal_mode"));
        Assert.Equal(0x4E494E45L, Pragma(path, "application_id"));
        Assert.Equal(1L, Pragma(path, "user_version"));
        Assert.Equal(1, SqliteWorkflowSchema.CurrentVersion);
    }

    [Fact]
    public async Task InitializeAsync_EmptyFile_CreatesSchema()
    {
        var path = NewPath();
        await File.WriteAllBytesAsync(path, []);
        await using var store = new SqliteWorkflowStore(path);

        await store.InitializeAsync();

        Assert.True((await store.CreateRunAsync(NewRun("inv-1"))).Created);
    }

    [Fact]
    public async Task InitializeAsync_RandomBytes_ThrowsStoreExceptionAndLeavesFileUnchanged()
    {
        var path = NewPath();
        var bytes = new byte[8192];
        new Random(42).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);

        var error = await InitializeFailsAsync(path);

        Assert.Contains("not an SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public async Task InitializeAsync_SqliteHeaderThenGarbage_ThrowsStoreExceptionAndLeavesFileUnchanged()
    {
        var path = NewPath();
        var bytes = new byte[8192];
        new Random(7).NextBytes(bytes);
        "SQLite format 3\0"u8.CopyTo(bytes);
        await File.WriteAllBytesAsync(path, bytes);

        var error = await InitializeFailsAsync(path);

        Assert.Contains("point --store at another file", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task InitializeAsync_ForeignDatabase_ThrowsStoreExceptionNamingItsTablesAndLeavesFileUnchanged()
    {
        var path = NewPath();
        Execute(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');");
        var bytes = await File.ReadAllBytesAsync(path);

        var error = await InitializeFailsAsync(path);

        Assert.Contains("another application", error.Message, StringComparison.Ordinal);
        Assert.Contains("customers", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
        Assert.Equal("delete", Pragma(path, "journal_mode"));
    }

    [Fact]
    public async Task InitializeAsync_ForeignApplicationId_ThrowsStoreExceptionAndLeavesFileUnchanged()
    {
        var path = NewPath();
        Execute(path, "PRAGMA application_id = 42;");
        var bytes = await File.ReadAllBytesAsync(path);

        var error = await InitializeFailsAsync(path);

        Assert.Contains("application_id 0x0000002A", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task InitializeAsync_NewerSchema_ThrowsStoreExceptionSayingUpgradeAndLeavesFileUnchanged()
    {
        var path = NewPath();
        await using (var store = new SqliteWorkflowStore(path))
        {
            await store.InitializeAsync();
            await store.CreateRunAsync(NewRun("inv-1"));
        }

        Execute(path, "PRAGMA user_version = 7;");
        var bytes = await File.ReadAllBytesAsync(path);

        var error = await InitializeFailsAsync(path);

        Assert.Contains("newer Nines (schema 7; this version reads up to 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade Nines", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task InitializeAsync_ExistingStore_KeepsItsData()
    {
        var path = NewPath();
        await using (var first = new SqliteWorkflowStore(path))
        {
            await first.InitializeAsync();
            await first.CreateRunAsync(NewRun("inv-1", input: "42"));
        }

        await using var second = new SqliteWorkflowStore(path);
        await second.InitializeAsync();

        Assert.Equal("42", (await second.GetRunAsync("inv-1"))!.InputJson);
        Assert.False((await second.CreateRunAsync(NewRun("inv-1"))).Created);
    }

    [Fact]
    public async Task TwoInstancesOnOneFile_ClaimDisjointlyAndFencingHoldsAcrossThem()
    {
        var path = NewPath();
        await using var worker = new SqliteWorkflowStore(path);
        await using var other = new SqliteWorkflowStore(path);
        await worker.InitializeAsync();
        await other.InitializeAsync();
        for (var i = 0; i < 20; i++)
        {
            await worker.CreateRunAsync(NewRun($"run-{i:D2}", createdAt: T0.AddMilliseconds(i)));
        }

        var claims = await Task.WhenAll(
            Task.Run(() => ClaimAllAsync(worker, "a")),
            Task.Run(() => ClaimAllAsync(other, "b")));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(20, all.Select(c => c.Run.RunId).Distinct().Count());
        Assert.Equal(20, all.Count);

        var old = all[0];
        var store = old.Lease.Owner == "a" ? worker : other;
        var thief = store == worker ? other : worker;
        var takeover = (await thief.ClaimRunsAsync(Request("c", T0.AddHours(1), V1) with { MaxRuns = 100 })).Single(c => c.Run.RunId == old.Run.RunId);
        Assert.True(takeover.TakenOver);
        await Assert.ThrowsAsync<WorkflowLeaseLostException>(() => store.SaveStepsAsync(old.Lease, [Step(old.Run.RunId, 0, "late")]));
        Assert.Empty(await thief.GetStepsAsync(old.Run.RunId));
    }

    [Fact]
    public async Task SaveStepsAsync_SubMillisecondTimes_StoredTruncatedToMillisecondsInUtc()
    {
        var store = (SqliteWorkflowStore)await NewStoreAsync();
        await store.CreateRunAsync(NewRun("inv-1"));
        var claim = Assert.Single(await store.ClaimRunsAsync(Request("w1", T0, V1)));
        var local = new DateTimeOffset(2026, 3, 1, 14, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567);

        await store.SaveStepsAsync(claim.Lease, [Step("inv-1", 0, "a", at: local)]);

        var stored = Assert.Single(await store.GetStepsAsync("inv-1")).StartedAt;
        Assert.Equal(TimeSpan.Zero, stored.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero), stored);
    }

    [Fact]
    public async Task WaitForWorkAsync_NoWork_ReturnsWhenMaxWaitPassesOnTheTimeProvider()
    {
        var time = new FakeTimeProvider(T0);
        await using var store = new SqliteWorkflowStore(new SqliteWorkflowStoreOptions { Path = NewPath(), TimeProvider = time });
        await store.InitializeAsync();

        var wait = store.WaitForWorkAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task WaitForWorkAsync_WriteBeforeWait_NextWaitReturnsAtOnce()
    {
        var time = new FakeTimeProvider(T0);
        await using var store = new SqliteWorkflowStore(new SqliteWorkflowStoreOptions { Path = NewPath(), TimeProvider = time });
        await store.InitializeAsync();
        await store.CreateRunAsync(NewRun("inv-1"));

        var wait = store.WaitForWorkAsync(TimeSpan.FromMinutes(5));

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.False(store.WaitForWorkAsync(TimeSpan.FromMinutes(5)).IsCompleted);
    }

    [Fact]
    public void Description_NoPath_IsNinesDbInWorkingDirectory()
    {
        Assert.Equal("sqlite:" + Path.GetFullPath("nines.db"), new SqliteWorkflowStore().Description);
        Assert.Equal("sqlite:" + Path.GetFullPath("x/y.db"), new SqliteWorkflowStore("sqlite:x/y.db").Description);
    }

    [Fact]
    public async Task GetRunAsync_BeforeInitialize_ThrowsSayingInitialize()
    {
        await using var store = new SqliteWorkflowStore(NewPath());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetRunAsync("inv-1"));

        Assert.Contains("InitializeAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteWorkflowStore(new SqliteWorkflowStoreOptions { Path = " ", BusyTimeout = TimeSpan.Zero }));

        Assert.Contains("Path", error.Message, StringComparison.Ordinal);
        Assert.Contains("BusyTimeout", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<WorkflowClaim>> ClaimAllAsync(IWorkflowStore store, string worker)
    {
        var mine = new List<WorkflowClaim>();
        while (true)
        {
            var claims = await store.ClaimRunsAsync(Request(worker, T0, V1) with { MaxRuns = 2 });
            if (claims.Count == 0)
            {
                return mine;
            }

            mine.AddRange(claims);
        }
    }

    private static async Task<WorkflowStoreException> InitializeFailsAsync(string path)
    {
        await using var store = new SqliteWorkflowStore(path);
        return await Assert.ThrowsAsync<WorkflowStoreException>(() => store.InitializeAsync());
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(string path, string sql)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Pragma(string path, string name)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return command.ExecuteScalar();
    }

    private string NewPath() => Path.Combine(_directory, $"store-{Interlocked.Increment(ref _files)}.db");
}
