using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Triage;

/// <summary>How soon a support ticket needs an answer.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TicketPriority>))]
internal enum TicketPriority
{
    Low,
    Normal,
    High,
    Urgent,
}
