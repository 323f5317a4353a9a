namespace Nines.Evals;

/// <summary>The input of an eval's journal run: what the eval was, so a resume can check it continues the same one.</summary>
/// <param name="Suite">The suite's name.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Trials">Trials per case per configuration.</param>
/// <param name="Configurations">The configurations run.</param>
/// <param name="Cases">How many cases.</param>
/// <param name="Parameters">The suite's arguments.</param>
/// <param name="Fingerprint">The plan's hash (cases' ids included).</param>
internal sealed record EvalJournalInput(
    string Suite,
    long Seed,
    int Trials,
    IReadOnlyList<string> Configurations,
    int Cases,
    IReadOnlyDictionary<string, string> Parameters,
    string Fingerprint)
{
    public string Describe() =>
        $"suite '{Suite}', seed {Seed}, {Trials} trial(s), {Cases} case(s), configurations {string.Join(", ", Configurations)}"
        + (Parameters.Count == 0 ? string.Empty : ", " + string.Join(", ", Parameters.Select(p => $"--{p.Key} {p.Value}")));
}
