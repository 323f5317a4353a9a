using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Triage;

/// <summary>The team a ticket is routed to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SupportTeam>))]
internal enum SupportTeam
{
    Finance,
    Engineering,
    Identity,
    Logistics,
    SecurityOps,
}
