namespace Nines.CommandLine.Bench;

/// <summary>What one bench run does: <see cref="Steps"/> sequential no-op steps, each returning a string of about <see cref="PayloadBytes"/> bytes of JSON.</summary>
internal sealed record BenchStepsInput(int Steps, int PayloadBytes);
