namespace Nines.CommandLine.Bench;

/// <summary>
/// The raw cost of one durable write on the bench's storage, measured in the same run: the floor a journaled step
/// cannot go below (one fsync for SQLite, one INSERT + COMMIT for PostgreSQL).
/// </summary>
internal interface IBenchFloor
{
    /// <summary>What one sample is, for the report: "one fsync (100 B append + fsync) in /tmp/x".</summary>
    string Description { get; }

    /// <summary>Takes <paramref name="samples"/> timed samples.</summary>
    Task<IReadOnlyList<TimeSpan>> MeasureAsync(int samples, CancellationToken cancellationToken);
}
