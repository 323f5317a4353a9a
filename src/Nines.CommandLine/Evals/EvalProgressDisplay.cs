using System.Globalization;
using Nines.CommandLine.Rendering;
using Nines.Evals;

namespace Nines.CommandLine.Evals;

/// <summary>Shows an eval's progress on the console's progress bar: trials done, each configuration's success rate so far, the ETA.</summary>
internal sealed class EvalProgressDisplay(ProgressBar bar) : IProgress<EvalProgress>, IDisposable
{
    public void Report(EvalProgress value)
    {
        if (value.Total > 0)
        {
            bar.Report(value.Done, value.Total, Status(value), value.EstimatedRemaining);
        }
    }

    public void Dispose() => bar.Dispose();

    /// <summary><c>baseline 61.2% · hardened 99.1%</c>: configurations without a finished trial show '-'.</summary>
    internal static string Status(EvalProgress progress) =>
        string.Join(" · ", progress.Configurations.Select(c =>
            c.Name + " " + (c.Done == 0 ? "-" : (100 * c.SuccessRate).ToString("F1", CultureInfo.InvariantCulture) + "%")));
}
