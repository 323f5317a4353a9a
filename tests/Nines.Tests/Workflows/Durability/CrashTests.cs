using Nines.Workflows.Storage;
using Xunit.Abstractions;

namespace Nines.Tests.Workflows.Durability;

/// <summary>
/// Durability with real processes on SQLite: a worker process SIGKILLed a hundred times mid-flight, and a frozen
/// worker whose late write is fenced off. See docs/workflows-durability.md.
/// </summary>
[Collection(DurabilityCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nines-crash-").FullName;

    [Fact]
    public async Task Worker_KilledHundredTimes_EveryRunCompletesOnceAndPaysOnce()
    {
        var path = Path.Combine(_directory, "crash.db");
        await CrashScenario.RunAsync("sqlite:" + path, () => new SqliteWorkflowStore(path), output);
    }

    [Fact]
    public async Task Worker_FrozenPastLease_TakenOverAndLateWriteRejected()
    {
        var path = Path.Combine(_directory, "takeover.db");
        await TakeoverScenario.RunAsync("sqlite:" + path, () => new SqliteWorkflowStore(path), output);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        CrashScenario.TryDelete(_directory);
    }
}
