namespace Nines.Evals;

/// <summary>Whether a gate held for an eval's statistics.</summary>
/// <param name="Gate">The gate as written, such as <c>hardened.nines &gt;= 3</c>.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Actual">The measured value it tested (for <c>a &gt; b</c>, Fisher's p-value); <see langword="null"/> when the
/// value could not be measured (no latency or cost recorded, or k above the trials per case), which fails the gate.</param>
/// <param name="Explanation">One line saying what was measured against what, such as <c>hardened.nines is 2.41; needs &gt;= 3</c>.</param>
public sealed record EvalGateResult(string Gate, bool Passed, double? Actual, string Explanation);
