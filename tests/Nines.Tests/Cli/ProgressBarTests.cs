using Microsoft.Extensions.Time.Testing;
using Nines.CommandLine.Rendering;

namespace Nines.Tests.Cli;

public class ProgressBarTests
{
    [Fact]
    public void Report_NotATerminal_WritesOneLinePerTenthWithEta()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        using var bar = new ProgressBar(writer, isTerminal: false, time, label: "eval");

        for (var done = 1; done <= 1000; done++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            bar.Report(done, 1000, "success 93.1%");
        }

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Length);

        // 100 items in 1 s → 900 left at 100/s → 9 s.
        Assert.Equal("eval: 100/1000  10%  success 93.1%  ETA 9s", lines[0]);
        Assert.Equal("eval: 500/1000  50%  success 93.1%  ETA 5s", lines[4]);
        Assert.Equal("eval: 1000/1000  100%  success 93.1%  done in 10s", lines[9]);
        Assert.DoesNotContain('\r', writer.ToString());
    }

    [Fact]
    public void Report_CallersEstimate_ShownInsteadOfTheExtrapolation()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        using var bar = new ProgressBar(writer, isTerminal: false, time, label: "eval");

        time.Advance(TimeSpan.FromSeconds(1));
        bar.Report(500, 1000, "weak 50.0% · strong 90.0%", estimatedRemaining: TimeSpan.FromSeconds(42));

        Assert.Equal("eval: 500/1000  50%  weak 50.0% · strong 90.0%  ETA 42s", writer.ToString().TrimEnd());
    }

    [Fact]
    public void Report_Terminal_RedrawsInPlaceThrottledAndEndsLine()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        var bar = new ProgressBar(writer, isTerminal: true, time, width: 10);

        bar.Report(540, 1000, "success 93.1%");
        time.Advance(TimeSpan.FromMilliseconds(10));
        bar.Report(541, 1000, "skipped: within the redraw interval");
        time.Advance(TimeSpan.FromSeconds(1));
        bar.Report(1000, 1000, "success 93.0%");

        var text = writer.ToString();
        Assert.StartsWith("\r[#####.....] 540/1000  54%  success 93.1%  ETA 0s", text, StringComparison.Ordinal);
        Assert.DoesNotContain("skipped", text, StringComparison.Ordinal);
        Assert.Contains("\r[##########] 1000/1000  100%  success 93.0%  done in 2s", text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ConcurrentWorkers_EachTenthReportedOnceInOrder()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        var bar = new ProgressBar(writer, isTerminal: false, time);
        var done = 0;

        Parallel.For(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var now = Interlocked.Increment(ref done);
            bar.Report(now, 10_000);
        });

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var percents = lines.Select(l => int.Parse(l.Split("  ")[1].TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(percents.Length <= 10);
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(percents.Distinct().Count(), percents.Length);
        Assert.Equal(100, percents[^1]);
    }

    [Theory]
    [InlineData(0.2, "1s")]
    [InlineData(59, "59s")]
    [InlineData(125, "2m05s")]
    [InlineData(3720, "1h02m")]
    public void FormatDuration_IsCoarse(double seconds, string expected)
    {
        Assert.Equal(expected, ProgressBar.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }
}
