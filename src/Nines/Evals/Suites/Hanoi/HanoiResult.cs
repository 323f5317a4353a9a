namespace Nines.Evals.Suites.Hanoi;

/// <summary>What one Hanoi run did, measured move by move.</summary>
/// <param name="Disks">Disks in the tower.</param>
/// <param name="K">The voting margin used (1 = the first valid sample wins).</param>
/// <param name="PerStepError">ε, the probability that one sample is not the right move.</param>
/// <param name="RedFlagRate">The share of wrong samples that are red-flag errors (over the token cap or badly formatted).</param>
/// <param name="MovesMade">Moves applied to the real tower, every one legal and optimal.</param>
/// <param name="TotalMoves">2^d − 1.</param>
/// <param name="Solved">Whether the tower ended on peg 2 after exactly <paramref name="TotalMoves"/> moves.</param>
/// <param name="Samples">Model calls made, red-flagged ones included.</param>
/// <param name="RedFlags">Samples discarded before voting.</param>
/// <param name="WrongVotes">Valid votes cast for a wrong move.</param>
/// <param name="Error">What went wrong at the move that ended the run early, or <see langword="null"/>.</param>
/// <param name="ErrorCategory">The failure category of <paramref name="Error"/> (<c>WrongAnswer</c>, <c>NoConsensus</c>).</param>
/// <param name="Seconds">Wall time of the run on the trial's clock.</param>
internal sealed record HanoiResult(
    int Disks,
    int K,
    double PerStepError,
    double RedFlagRate,
    long MovesMade,
    long TotalMoves,
    bool Solved,
    long Samples,
    long RedFlags,
    long WrongVotes,
    string? Error,
    string? ErrorCategory,
    double Seconds)
{
    /// <summary>Gets the samples drawn per move made.</summary>
    public double SamplesPerStep => MovesMade == 0 ? Samples : (double)Samples / Math.Max(1, MovesMade + (Error is null ? 0 : 1));
}
