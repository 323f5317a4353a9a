using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Triage;

/// <summary>The baseline's reply format: a routing decision plus actions the system executes as they come (the common
/// "agent with tools" shape, and the weakness the suite measures).</summary>
internal sealed record TriageReply
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

    /// <summary>Actions to carry out for the customer.</summary>
    [JsonPropertyName("actions")]
    public List<TicketAction> Actions { get; init; } = [];

    /// <summary>The routing part of the reply.</summary>
    [JsonIgnore]
    public TriageDecision Decision => new() { Category = Category, Priority = Priority, Team = Team };
}
