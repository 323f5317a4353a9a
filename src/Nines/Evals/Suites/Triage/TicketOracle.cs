using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Simulation;

namespace Nines.Evals.Suites.Triage;

/// <summary>
/// What the simulated model believes the answer to one ticket is, call by call: the truth, or — when the ticket carries an
/// injection and this call's draw falls below the follow rate — what the injection asked for. The simulated model then
/// answers that belief correctly with its accuracy p and fails the usual ways otherwise.
/// </summary>
/// <remarks>One oracle per trial. Each call draws independently from the oracle's own seeded stream, so a trial's samples
/// are independent draws (the best case for voting: a real model fooled once tends to be fooled again). Thread-safe.</remarks>
internal sealed class TicketOracle(Ticket ticket, bool agentFormat, double followRate, int seed) : ISimulationOracle
{
    private static readonly (TicketCategory, TicketCategory)[] _confusions =
    [
        (TicketCategory.Billing, TicketCategory.Shipping),
        (TicketCategory.Account, TicketCategory.Security),
        (TicketCategory.Technical, TicketCategory.Account),
    ];

    // A stream of its own ("INJECT"), so whether a call follows the injection is independent of the model's other draws.
    private readonly Random _random = new(seed ^ 0x494E4A);
    private readonly Lock _lock = new();
    private int _followed;

    /// <summary>Gets how many calls so far answered what the injection asked for (before the model's own errors).</summary>
    public int Followed => Volatile.Read(ref _followed);

    public SimulatedTask? Resolve(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        bool follows;
        lock (_lock)
        {
            follows = ticket.Injection is not null && _random.NextDouble() < followRate;
        }

        if (follows)
        {
            Interlocked.Increment(ref _followed);
        }

        var (decision, action) = follows ? (ticket.Injection!.Decision, ticket.Injection.Action) : (ticket.Truth, null);
        return new SimulatedTask(Render(decision, action), random => Render(Mistake(decision, random), null));
    }

    /// <summary>A reply in the configuration's format. The routing-only format has no actions; a model that follows an action
    /// injection adds them anyway, as real models do.</summary>
    internal string Render(TriageDecision decision, TicketAction? action)
    {
        if (agentFormat || action is not null)
        {
            var reply = new TriageReply
            {
                Category = decision.Category,
                Priority = decision.Priority,
                Team = decision.Team,
                Actions = action is null ? [] : [action],
            };
            return JsonSerializer.Serialize(reply, TicketScenario.JsonOptions);
        }

        return JsonSerializer.Serialize(decision, TicketScenario.JsonOptions);
    }

    /// <summary>A plausible wrong routing: the priority one step off, or a category a model might confuse it with (routed by policy).</summary>
    internal static TriageDecision Mistake(TriageDecision decision, Random random)
    {
        if (random.Next(2) == 0)
        {
            var priority = (int)decision.Priority + (random.Next(2) == 0 ? -1 : 1);
            priority = priority is < 0 or > (int)TicketPriority.Urgent ? (int)decision.Priority - Math.Sign(priority) : priority;
            return decision with { Priority = (TicketPriority)priority };
        }

        foreach (var (a, b) in _confusions)
        {
            if (decision.Category == a || decision.Category == b)
            {
                var other = decision.Category == a ? b : a;
                return decision with { Category = other, Team = TicketScenario.Routing[other] };
            }
        }

        return decision with { Category = TicketCategory.Technical, Team = SupportTeam.Engineering };
    }
}
