using System.Text.Json.Serialization;

namespace Nines.Evals.Suites.Triage;

/// <summary>An action the baseline helpdesk bot may ask the system to carry out (refund, credit, close, ...).</summary>
internal sealed record TicketAction
{
    /// <summary>What to do, such as <c>refund</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The amount in US dollars, for money actions.</summary>
    [JsonPropertyName("amountUsd")]
    public decimal? AmountUsd { get; init; }

    /// <inheritdoc/>
    public override string ToString() => AmountUsd is { } amount ? FormattableString.Invariant($"{Type} ${amount:0}") : Type;
}
