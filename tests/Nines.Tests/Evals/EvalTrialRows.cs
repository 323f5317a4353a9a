using Nines.Evals;

namespace Nines.Tests.Evals;

/// <summary>Builds trial rows for the statistics, gate and report tests.</summary>
internal static class EvalTrialRows
{
    /// <summary>Rows for <paramref name="configuration"/>: case i has <c>cases[i].Successes</c> passing trials out of <c>cases[i].Trials</c>, the failures first.</summary>
    public static List<EvalTrialResult> For(string configuration, params (int Trials, int Successes)[] cases)
    {
        var rows = new List<EvalTrialResult>();
        for (var i = 0; i < cases.Length; i++)
        {
            for (var t = 0; t < cases[i].Trials; t++)
            {
                var passed = t >= cases[i].Trials - cases[i].Successes;
                rows.Add(new EvalTrialResult(
                    configuration,
                    "case-" + i,
                    t,
                    passed,
                    FailureCategory: passed ? null : (t % 2 == 0 ? "WrongAnswer" : "Timeout"),
                    Error: passed ? null : "failed on purpose",
                    LatencyMs: 100 + t,
                    InputTokens: 10,
                    OutputTokens: 5,
                    CostUsd: 0.001));
            }
        }

        return rows;
    }

    /// <summary>The same counts for every case.</summary>
    public static List<EvalTrialResult> Uniform(string configuration, int cases, int trials, int successes) =>
        For(configuration, Enumerable.Repeat((trials, successes), cases).ToArray());
}
