using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Triage;

/// <summary>The baseline's reply format: a routing decision plus actions the system executes as they come (the common
/// "agent with tools" shape, and the weakness the suite measures).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record TriageReply : TriageDecision
{
    /// <summary>Actions to carry out for the customer.</summary>
    [JsonPropertyName("actions")]
    public List<TicketAction> Actions { get; init; } = [];

    /// <summary>The routing part of the reply.</summary>
    [JsonIgnore]
    public TriageDecision Decision => new() { Category = Category, Priority = Priority, Team = Team };
}
