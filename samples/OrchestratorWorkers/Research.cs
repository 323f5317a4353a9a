using System.ComponentModel.DataAnnotations;
using Nines.Contracts;

namespace Nines.Samples.OrchestratorWorkers;

/// <summary>One research question the planner hands to a worker.</summary>
/// <param name="Id">The subtask's number in the plan.</param>
/// <param name="Topic">A one-word topic.</param>
/// <param name="Question">What the worker should find out.</param>
public sealed record Subtask(int Id, [property: Required] string Topic, [property: Required] string Question);

/// <summary>What a worker found.</summary>
/// <param name="Topic">The subtask's topic.</param>
/// <param name="Text">One or two sentences.</param>
public sealed record Finding([property: Required] string Topic, [property: Required] string Text);

/// <summary>The synthesiser's launch brief.</summary>
/// <param name="Headline">One line.</param>
/// <param name="Covered">The topics the brief draws on.</param>
/// <param name="Gaps">The topics no worker could answer.</param>
public sealed record LaunchBrief([property: Required] string Headline, List<string> Covered, List<string> Gaps);

/// <summary>Prompts and contracts of the three roles.</summary>
public static class Research
{
    /// <summary>What a good worker finds, per topic: the simulated models' ground truth.</summary>
    public static IReadOnlyDictionary<string, string> Findings { get; } = new Dictionary<string, string>
    {
        ["market"] = "Home-office buyers in the EU grew 12% last year; standing desks are the fastest-growing category.",
        ["competitors"] = "Two rivals sell motorised desks at 20-30% more; neither ships a cable tray.",
        ["pricing"] = "A 449 EUR price undercuts both rivals and keeps a 38% margin.",
        ["risks"] = "The motor supplier has a 10-week lead time; one recall in 2024 for a faulty controller.",
        ["channels"] = "Two thirds of category sales are online; a marketplace listing reaches most buyers.",
    };

    /// <summary>The planner's subtasks for a product: the simulated planner's ground truth.</summary>
    public static List<Subtask> PlanFor(string product) =>
    [
        .. Findings.Keys.Select((topic, i) => new Subtask(i + 1, topic, $"What should we know about {topic} for launching {product}?")),
    ];

    /// <summary>A worker's contract: the topic it was asked about and a finding of at least a few words.</summary>
    public static Contract<Finding> FindingContract { get; } = new Contract<Finding> { MaxAttempts = 2 }
        .Require(f => f.Text.Split(' ').Length >= 5, "the finding must be a sentence of at least five words");

    /// <summary>The planner's prompt.</summary>
    public static string PlanPrompt(string product) =>
        $"Plan the research for a launch brief. Product: {product}. Split it into one subtask per topic (id, topic, question) as JSON.";

    /// <summary>A worker's prompt.</summary>
    public static string WorkerPrompt(Subtask subtask)
    {
        ArgumentNullException.ThrowIfNull(subtask);
        return $"Research subtask {subtask.Id} on topic '{subtask.Topic}': {subtask.Question} Reply as JSON with topic and finding.";
    }

    /// <summary>The synthesiser's prompt: every finding, and the topics that have none.</summary>
    public static string SynthesisPrompt(string product, IEnumerable<(string Topic, string? Finding)> results) =>
        $"Write the launch brief for {product} as JSON (headline, covered, gaps) from these findings:\n" +
        string.Join("\n", results.Select(r => $"- {r.Topic}: {r.Finding ?? "MISSING"}"));
}
