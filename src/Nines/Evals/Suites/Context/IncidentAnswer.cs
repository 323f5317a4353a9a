using System.ComponentModel.DataAnnotations;

namespace Nines.Evals.Suites.Context;

/// <summary>The final answer of a <c>context</c> trial: the ticket named in the task and the latest root-cause code in the log.</summary>
internal sealed record IncidentAnswer
{
    /// <summary>Gets the customer ticket, as the task names it (<c>T-5093</c>).</summary>
    [Required]
    public required string Ticket { get; init; }

    /// <summary>Gets the latest root-cause code recorded in the log (<c>E-317</c>).</summary>
    [Required]
    public required string RootCause { get; init; }
}
