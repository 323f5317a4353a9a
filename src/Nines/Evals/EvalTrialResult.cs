namespace Nines.Evals;

/// <summary>
/// The outcome of one trial: the row every statistic, report and the resume journal is built from. It is also the row
/// format <c>nines stats</c> reads from CSV or JSONL produced by other tools (columns <c>case</c>, <c>trial</c>,
/// <c>success</c>, and optionally <c>config</c>, <c>latency_ms</c>, <c>cost_usd</c>, <c>error</c>).
/// </summary>
/// <param name="Configuration">The configuration's name.</param>
/// <param name="CaseId">The case's id.</param>
/// <param name="Trial">The trial number within the case and configuration, from 0.</param>
/// <param name="Passed">Whether the trial succeeded.</param>
/// <param name="Score">The scorer's graded score, if any.</param>
/// <param name="FailureCategory">The failure's category when it failed (for the taxonomy); <see langword="null"/> when it passed.</param>
/// <param name="Error">A short message when it failed (the scorer's detail or the exception's message).</param>
/// <param name="LatencyMs">How long the trial took in milliseconds, on the suite's clock (simulated time for <c>sim:</c> models); <see langword="null"/> when unknown.</param>
/// <param name="InputTokens">Input tokens the trial's model calls used.</param>
/// <param name="OutputTokens">Output tokens the trial's model calls used.</param>
/// <param name="CostUsd">What the trial cost in US dollars, from the suite's prices; <see langword="null"/> when unknown.</param>
/// <param name="Metrics">The scorer's named figures (<see cref="EvalScore.Metrics"/>), or <see langword="null"/>.</param>
public sealed record EvalTrialResult(
    string Configuration,
    string CaseId,
    int Trial,
    bool Passed,
    double? Score = null,
    string? FailureCategory = null,
    string? Error = null,
    double? LatencyMs = null,
    long InputTokens = 0,
    long OutputTokens = 0,
    double? CostUsd = null,
    IReadOnlyDictionary<string, double>? Metrics = null);
