using Microsoft.Data.Sqlite;

namespace Nines.Tests.Samples;

/// <summary>A temporary folder for a sample's SQLite store, and a way to run the sample in-process against it.</summary>
internal sealed class SampleScratch(string prefix, string defaultStore) : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;

    public string StorePath(string file) => Path.Combine(Directory, file);

    /// <summary>Runs the sample's <c>RunAsync(args, output)</c>, adding <c>--store</c> for the default store unless the arguments name one.</summary>
    public async Task<(int Exit, string Output)> RunAsync(Func<string[], TextWriter, Task<int>> main, params string[] args)
    {
        using var output = new StringWriter();
        var withStore = args.Contains("--store") ? args : [.. args, "--store", StorePath(defaultStore)];
        var exit = await main(withStore, output);
        return (exit, output.ToString());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
