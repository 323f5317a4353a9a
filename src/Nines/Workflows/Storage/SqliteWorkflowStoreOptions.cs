namespace Nines.Workflows.Storage;

/// <summary>Settings for <see cref="SqliteWorkflowStore"/>.</summary>
public sealed class SqliteWorkflowStoreOptions
{
    /// <summary>The database file; a leading <c>sqlite:</c> is ignored, and relative paths resolve against the working directory.</summary>
    /// <value>The default value is null, which means <c>nines.db</c> in the working directory.</value>
    public string? Path { get; set; }

    /// <summary>How long a write waits for another connection or process holding the write lock before it fails.</summary>
    /// <remarks>Several processes (a worker, the CLI) may share one file; SQLite lets one of them write at a time.</remarks>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock <see cref="SqliteWorkflowStore.WaitForWorkAsync"/> waits on; the store itself never reads it.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        var problems = new List<string>();
        if (Path is not null && string.IsNullOrWhiteSpace(Path))
        {
            problems.Add("Path is blank; give a file name or leave it null for nines.db in the working directory.");
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            problems.Add($"BusyTimeout is {BusyTimeout}; it must be positive and at most {int.MaxValue} ms.");
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider is null; use TimeProvider.System or a fake in tests.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid SqliteWorkflowStoreOptions: " + string.Join(" ", problems));
        }
    }
}
