using System.Collections.Concurrent;
using Nines.Evals;

namespace Nines.Tests.Evals.Suites;

/// <summary>
/// Runs a suite's trials directly (target, then scorer), the way the runner does, so the suites can be tested without it:
/// every configuration × case × trial with the trial seed from <see cref="EvalTrialContext.DeriveSeed"/> and the suite's clock and prices.
/// </summary>
internal static class SuiteTrials
{
    public static async Task<IReadOnlyList<EvalTrialResult>> RunAsync(EvalSuite suite, int? trials = null, string? configuration = null, int? maxConcurrency = null)
    {
        suite.Validate();
        var work =
            from config in suite.Configurations
            where configuration is null || config.Name == configuration
            from evalCase in suite.Cases
            from trial in Enumerable.Range(0, trials ?? suite.Trials)
            select (config, evalCase, trial);
        var rows = new ConcurrentBag<EvalTrialResult>();
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency ?? suite.MaxConcurrency },
            async (item, cancellationToken) =>
            {
                var (config, evalCase, trial) = item;
                var context = new EvalTrialContext(
                    suite.Name, config, evalCase, trial, EvalTrialContext.DeriveSeed(suite.Seed, evalCase.Id, trial), suite.Time, suite.Prices);
                var started = context.Time.GetTimestamp();
                EvalScore score;
                try
                {
                    var output = await config.Target(context, cancellationToken);
                    score = (evalCase.Scorer ?? suite.Scorer!)(evalCase, output, context);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    score = EvalScore.Fail(EvalFailureCategories.FromException(ex), ex.Message);
                }

                rows.Add(new EvalTrialResult(
                    config.Name, evalCase.Id, trial, score.Passed, score.Score, score.FailureCategory, score.Passed ? null : score.Detail,
                    context.Time.GetElapsedTime(started).TotalMilliseconds, context.InputTokens, context.OutputTokens, context.CostUsd, score.Metrics));
            });
        return [.. rows.OrderBy(r => r.Configuration, StringComparer.Ordinal).ThenBy(r => r.CaseId, StringComparer.Ordinal).ThenBy(r => r.Trial)];
    }

    public static EvalSuite Create(string name, params (string Name, string Value)[] arguments)
    {
        var definition = BuiltInEvalSuites.All.Single(d => d.Name == name);
        return definition.Create(new EvalSuiteArguments(definition.Parameters, arguments.ToDictionary(a => a.Name, a => a.Value)));
    }

    public static double SuccessRate(this IEnumerable<EvalTrialResult> rows, string configuration)
    {
        var mine = rows.Where(r => r.Configuration == configuration).ToList();
        return (double)mine.Count(r => r.Passed) / mine.Count;
    }

    public static Dictionary<string, int> Failures(this IEnumerable<EvalTrialResult> rows, string configuration) =>
        rows.Where(r => r.Configuration == configuration && !r.Passed)
            .GroupBy(r => r.FailureCategory!)
            .ToDictionary(g => g.Key, g => g.Count());
}
