namespace Nines.Samples.MapReduce;

/// <summary>What the triage workflow returns: the tally (when the quorum was met) and the per-review details.</summary>
/// <param name="QuorumMet">True when enough reviews were labelled to tally them.</param>
/// <param name="Counts">Reviews per "sentiment/topic", when the quorum was met.</param>
/// <param name="Rows">One line per review: how it was labelled, by which model, in how many attempts.</param>
/// <param name="Report">The partial-failure report (failures and escalations).</param>
public sealed record TriageReport(bool QuorumMet, Dictionary<string, int>? Counts, List<string> Rows, string Report);
