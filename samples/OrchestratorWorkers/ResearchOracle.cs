using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Nines.Simulation;

namespace Nines.Samples.OrchestratorWorkers;

/// <summary>Tells the simulated models the right reply to each of the three prompts, so they answer right (or wrong, at their profile's rate).</summary>
public sealed partial class ResearchOracle : ISimulationOracle
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public SimulatedTask? Resolve(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = messages.FirstOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        if (PlanPattern().Match(prompt) is { Success: true } plan)
        {
            return new SimulatedTask(JsonSerializer.Serialize(new { subtasks = Research.PlanFor(plan.Groups[1].Value) }, _json));
        }

        if (WorkerPattern().Match(prompt) is { Success: true } worker)
        {
            var topic = worker.Groups[1].Value;
            var finding = Research.Findings.GetValueOrDefault(topic, $"Nothing useful is known about {topic} yet.");
            return new SimulatedTask(JsonSerializer.Serialize(new Finding(topic, finding), _json));
        }

        if (prompt.StartsWith("Write the launch brief for ", StringComparison.Ordinal))
        {
            var lines = BriefLinePattern().Matches(prompt).Select(m => (Topic: m.Groups[1].Value, Missing: m.Groups[2].Value == "MISSING")).ToList();
            var product = prompt["Write the launch brief for ".Length..prompt.IndexOf(" as JSON", StringComparison.Ordinal)];
            var brief = new LaunchBrief(
                $"{product}: launch at 449 EUR online first, built on {lines.Count(l => !l.Missing)} of {lines.Count} research topics",
                [.. lines.Where(l => !l.Missing).Select(l => l.Topic)],
                [.. lines.Where(l => l.Missing).Select(l => l.Topic)]);
            return new SimulatedTask(JsonSerializer.Serialize(brief, _json));
        }

        return null;
    }

    [GeneratedRegex(@"^Plan the research for a launch brief\. Product: (.+?)\. Split")]
    private static partial Regex PlanPattern();

    [GeneratedRegex(@"^Research subtask \d+ on topic '([^']+)'")]
    private static partial Regex WorkerPattern();

    [GeneratedRegex(@"^- ([^:]+): (MISSING|.*)$", RegexOptions.Multiline)]
    private static partial Regex BriefLinePattern();
}
