namespace Nines.Evals;

/// <summary>The result of an eval's journal run.</summary>
/// <param name="Trials">How many trials it journaled in all.</param>
internal sealed record EvalJournalOutput(int Trials);
