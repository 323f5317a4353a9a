using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Triage;

/// <summary>What a support ticket is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TicketCategory>))]
internal enum TicketCategory
{
    Billing,
    Technical,
    Account,
    Shipping,
    Security,
}
