using System.Diagnostics;
using System.Globalization;

namespace Nines.CommandLine.Bench;

/// <summary>
/// SQLite's floor: one append of <c>payloadBytes</c> to a file in the database's directory followed by an fsync, as a
/// WAL commit with <c>synchronous=FULL</c> does (same file system, same device, same cache).
/// </summary>
internal sealed class FsyncFloor(string directory, int payloadBytes) : IBenchFloor
{
    public string Description => string.Create(CultureInfo.InvariantCulture, $"one fsync ({payloadBytes} B append + fsync) in {directory}");

    public async Task<IReadOnlyList<TimeSpan>> MeasureAsync(int samples, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var path = Path.Combine(directory, $"nines-fsync-{Guid.NewGuid():N}.tmp");
        var bytes = new byte[payloadBytes];
        Array.Fill(bytes, (byte)'x');
        var durations = new List<TimeSpan>(samples);
        try
        {
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (stream.ConfigureAwait(false))
            {
                // One untimed write first: creating the file's first block is not what a steady WAL append costs.
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
                for (var i = 0; i < samples; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var started = Stopwatch.GetTimestamp();
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                    durations.Add(Stopwatch.GetElapsedTime(started));
                }
            }
        }
        finally
        {
            File.Delete(path);
        }

        return durations;
    }
}
