using System.Collections.Concurrent;
using Nines.Simulation;

namespace Nines.Samples.OrchestratorWorkers;

/// <summary>The simulated models of a run, one per role and subtask, kept across executions so their calls can be counted.</summary>
/// <remarks>
/// One model per subtask, seeded from the role and the subtask: workers run concurrently, and a shared simulated model
/// would hand out its random draws in whatever order the scheduler picks. Real models need none of this.
/// </remarks>
public sealed class ModelPool(BriefSettings settings)
{
    private readonly ConcurrentDictionary<string, SimulatedChatClient> _models = new();

    /// <summary>Model calls made so far, per role ("lead", "worker", "escalation").</summary>
    public IReadOnlyDictionary<string, long> Calls => _models
        .GroupBy(m => m.Key.Split('#')[0], StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Sum(m => m.Value.CallCount), StringComparer.Ordinal);

    /// <summary>The model of <paramref name="role"/> for <paramref name="subtask"/> (0 for the lead model).</summary>
    public SimulatedChatClient Get(string role, string profile, int subtask)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _models.GetOrAdd($"{role}#{subtask}", _ => new SimulatedChatClient(SimulationProfile.Parse(profile), new SimulationOptions
        {
            Seed = (settings.Seed * 1000) + (role.Length * 100) + subtask,
            TimeProvider = settings.ModelTime,
            Oracle = new ResearchOracle(),
        }));
    }
}
