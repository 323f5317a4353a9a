using System.Globalization;
using System.Text;

namespace Nines.CommandLine.Rendering;

/// <summary>
/// Progress of a long run on stderr. On a terminal it redraws one line in place
/// (<c>[#####.....] 540/1000  54%  success 93.1%  ETA 3s</c>, at most every
/// <see cref="MinimumRedrawInterval"/>); otherwise (CI logs, files) it writes a plain line each time another
/// tenth of the work is done, so logs stay short.
/// </summary>
/// <remarks>
/// Thread-safe: workers may call <see cref="Report"/> concurrently; a report older than one already shown
/// (smaller <c>done</c>) is ignored. The ETA extrapolates the average rate since the bar was created, read
/// from the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </remarks>
internal sealed class ProgressBar : IDisposable
{
    public static readonly TimeSpan MinimumRedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly bool _isTerminal;
    private readonly TimeProvider _timeProvider;
    private readonly string? _label;
    private readonly int _width;
    private readonly long _started;
    private long _lastDone = -1;
    private long _lastDecile = 0;
    private long? _lastDrawn;
    private int _lastLineLength;
    private bool _completed;

    public ProgressBar(TextWriter writer, bool isTerminal, TimeProvider timeProvider, string? label = null, int width = 20)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _writer = writer;
        _isTerminal = isTerminal;
        _timeProvider = timeProvider;
        _label = string.IsNullOrWhiteSpace(label) ? null : label;
        _width = width;
        _started = timeProvider.GetTimestamp();
    }

    /// <summary>Reports that <paramref name="done"/> of <paramref name="total"/> items are finished.</summary>
    /// <param name="done">Items finished so far.</param>
    /// <param name="total">Items in all; at least 1.</param>
    /// <param name="status">A short live figure shown after the percentage, such as <c>success 93.1%</c>.</param>
    /// <param name="estimatedRemaining">The caller's own ETA (for example one that leaves out work resumed from a journal);
    /// null extrapolates the average rate since the bar was created.</param>
    public void Report(long done, long total, string? status = null, TimeSpan? estimatedRemaining = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        done = Math.Min(done, total);

        lock (_gate)
        {
            if (_completed || done < _lastDone)
            {
                return;
            }

            _lastDone = done;
            var now = _timeProvider.GetTimestamp();
            var elapsed = _timeProvider.GetElapsedTime(_started, now);
            var finished = done == total;

            if (_isTerminal)
            {
                if (!finished && _lastDrawn is { } drawn && _timeProvider.GetElapsedTime(drawn, now) < MinimumRedrawInterval)
                {
                    return;
                }

                _lastDrawn = now;
                var line = FormatLine(done, total, status, elapsed, estimatedRemaining, withBar: true);
                var padding = Math.Max(0, _lastLineLength - line.Length);
                _writer.Write('\r' + line + new string(' ', padding));
                _lastLineLength = line.Length;
                if (finished)
                {
                    _writer.Write('\n');
                    _completed = true;
                }

                _writer.Flush();
                return;
            }

            var decile = done * 10 / total;
            if (decile > _lastDecile)
            {
                _lastDecile = decile;
                _writer.WriteLine(FormatLine(done, total, status, elapsed, estimatedRemaining, withBar: false));
                _writer.Flush();
                _completed = finished;
            }
        }
    }

    /// <summary>Ends the redrawn line on a terminal so that later output starts on a fresh line.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_isTerminal && !_completed && _lastDrawn is not null)
            {
                _writer.Write('\n');
                _writer.Flush();
            }

            _completed = true;
        }
    }

    private string FormatLine(long done, long total, string? status, TimeSpan elapsed, TimeSpan? estimatedRemaining, bool withBar)
    {
        var text = new StringBuilder();
        if (_label is not null)
        {
            text.Append(_label).Append(withBar ? " " : ": ");
        }

        if (withBar)
        {
            var filled = (int)(done * _width / total);
            text.Append('[').Append('#', filled).Append('.', _width - filled).Append("] ");
        }

        var percent = done * 100 / total;
        text.Append(CultureInfo.InvariantCulture, $"{done}/{total}  {percent}%");
        if (!string.IsNullOrWhiteSpace(status))
        {
            text.Append("  ").Append(status);
        }

        if (done == total)
        {
            text.Append("  done in ").Append(FormatDuration(elapsed));
        }
        else if (estimatedRemaining is { } given)
        {
            text.Append("  ETA ").Append(FormatDuration(given));
        }
        else if (done > 0)
        {
            var remaining = TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(total - done) / done)));
            text.Append("  ETA ").Append(FormatDuration(remaining));
        }
        else
        {
            text.Append("  ETA ?");
        }

        return text.ToString();
    }

    /// <summary>3s, 2m05s, 1h02m: coarse on purpose, an ETA is an estimate.</summary>
    internal static string FormatDuration(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, duration.TotalSeconds));
        return seconds switch
        {
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60:00}s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h{seconds / 60 % 60:00}m"),
        };
    }
}
