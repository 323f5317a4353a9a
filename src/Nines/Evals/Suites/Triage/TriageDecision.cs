using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Triage;

/// <summary>
/// What the hardened configuration lets the model decide: a category, a priority and a team, each from a closed set, and
/// nothing else. Unknown members (such as <c>actions</c>) make the reply invalid, so the schema itself cannot carry an action.
/// </summary>
/// <remarks>The baseline's <see cref="TriageReply"/> extends it with actions; decisions compare equal only to decisions of the
/// same type, so compare <see cref="TriageReply.Decision"/>.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal record TriageDecision
{
    /// <summary>What the ticket is about.</summary>
    [JsonPropertyName("category")]
    public required TicketCategory Category { get; init; }

    /// <summary>How soon it needs an answer.</summary>
    [JsonPropertyName("priority")]
    public required TicketPriority Priority { get; init; }

    /// <summary>The team it goes to.</summary>
    [JsonPropertyName("team")]
    public required SupportTeam Team { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Category}/{Priority} → {Team}";
}
