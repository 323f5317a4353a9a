using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Agents.Patterns;
using Nines.Tests.Workflows;
using Nines.Workflows;

namespace Nines.Tests.Agents.Patterns;

public sealed record Section(string Title);

public sealed record Brief(string Text, int Parts);

/// <summary>What a pattern workflow returns: the output when the quorum was met, else the report, as text.</summary>
public sealed record PatternOutcome(string? Output, bool QuorumMet, string Report, List<string> Failed, List<string> Escalated);

/// <summary>The three models of an orchestration, scripted: the planner lists sections, a worker model writes one, the synthesiser joins them.</summary>
internal sealed class ResearchModels
{
    public ResearchModels(params string[] sections)
    {
        Planner = new PatternTestChatClient(_ => JsonSerializer.Serialize(new { subtasks = sections.Select(s => new { title = s }) }));
        Workers = new PatternTestChatClient(prompt =>
        {
            var title = prompt[(prompt.IndexOf(':', StringComparison.Ordinal) + 2)..];
            return title.Contains("broken", StringComparison.Ordinal) ? "I cannot help with that." : JsonSerializer.Serialize(new { text = "notes on " + title });
        });
        Synthesizer = new PatternTestChatClient(prompt =>
            JsonSerializer.Serialize(new { text = "brief of " + prompt.Split('\n').Count(l => l.StartsWith("- ", StringComparison.Ordinal)) + " sections", parts = prompt.Split('\n').Count(l => l.StartsWith("- ", StringComparison.Ordinal)) }));
    }

    public PatternTestChatClient Planner { get; }

    public PatternTestChatClient Workers { get; }

    public PatternTestChatClient Synthesizer { get; }

    /// <summary>Runs at the start of each child worker's step; a test looks at the store from here.</summary>
    public Func<Task>? BeforeWrite { get; set; }
}

public sealed record SectionNotes(string Text);

[Workflow("research")]
internal sealed class ResearchFlow(ResearchModels models, double minRatio, int maxConcurrency = 2) : IWorkflow<string, PatternOutcome>
{
    public async Task<PatternOutcome> RunAsync(WorkflowContext context, string input)
    {
        var options = new OrchestratorWorkersOptions<string, Section, SectionNotes, Brief>
        {
            Planner = models.Planner,
            PlanPrompt = topic => "Split into sections: " + topic,
            Worker = (section, ct) => models.Workers.AskAsync<SectionNotes>("Write section: " + section.Title, cancellationToken: ct),
            Synthesizer = models.Synthesizer,
            SynthesisPrompt = (topic, outcomes) => "Combine for " + topic + ":\n" + string.Join("\n", outcomes.Where(o => o.Succeeded).Select(o => "- " + o.Value!.Text)),
            MaxConcurrency = maxConcurrency,
            MinSuccessRatio = minRatio,
            Describe = s => s.Title,
        };
        try
        {
            var result = await context.OrchestrateAsync("research", input, options);
            return new PatternOutcome(result.Output.Text, true, result.Report.ToString(), [.. result.Report.Failures.Select(f => f.Label)], []);
        }
        catch (QuorumNotMetException ex)
        {
            return new PatternOutcome(null, false, ex.Report.ToString(), [.. ex.Report.Failures.Select(f => f.Label + " | " + f.Error)], []);
        }
    }
}

[Workflow("research-uncaught")]
internal sealed class UncaughtResearchFlow(ResearchModels models) : IWorkflow<string, string>
{
    public async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var result = await context.OrchestrateAsync("research", input, new OrchestratorWorkersOptions<string, Section, SectionNotes, Brief>
        {
            Planner = models.Planner,
            PlanPrompt = topic => "Split into sections: " + topic,
            Worker = (section, ct) => models.Workers.AskAsync<SectionNotes>("Write section: " + section.Title, cancellationToken: ct),
            SynthesisPrompt = (topic, outcomes) => "Combine:\n" + string.Join("\n", outcomes.Where(o => o.Succeeded).Select(o => "- " + o.Value!.Text)),
            Synthesizer = models.Synthesizer,
        });
        return result.Output.Text;
    }
}

[Workflow("write-section")]
internal sealed class WriteSectionFlow(ResearchModels models) : IWorkflow<Section, SectionNotes>
{
    public async Task<SectionNotes> RunAsync(WorkflowContext context, Section input) =>
        await context.StepAsync("write", async ct =>
        {
            if (models.BeforeWrite is { } probe)
            {
                await probe();
            }

            return await models.Workers.AskAsync<SectionNotes>("Write section: " + input.Title, cancellationToken: ct);
        });
}

[Workflow("research-children")]
internal sealed class ChildResearchFlow(ResearchModels models) : IWorkflow<string, PatternOutcome>
{
    public async Task<PatternOutcome> RunAsync(WorkflowContext context, string input)
    {
        var result = await context.OrchestrateAsync("research", input, new OrchestratorWorkersOptions<string, Section, SectionNotes, Brief>
        {
            Planner = models.Planner,
            PlanPrompt = topic => "Split into sections: " + topic,
            Synthesizer = models.Synthesizer,
            SynthesisPrompt = (topic, outcomes) => "Combine:\n" + string.Join("\n", outcomes.Where(o => o.Succeeded).Select(o => "- " + o.Value!.Text)),
            MaxConcurrency = 2,
            MinSuccessRatio = 0.5,
            Describe = s => s.Title,
        }.UseChildWorkflow<WriteSectionFlow>());
        return new PatternOutcome(result.Output.Text, true, result.Report.ToString(), [.. result.Report.Failures.Select(f => f.Label + " | " + f.Error)], []);
    }
}

/// <summary>Scripted item handlers: which items fail on the primary (and how often), which fail escalated too; every call logged in order.</summary>
internal sealed class Handlers
{
    private readonly ConcurrentDictionary<string, int> _primaryFailuresLeft = new();
    private readonly ConcurrentQueue<string> _log = new();
    private int _active;
    private int _maxActive;

    public HashSet<string> EscalationFails { get; } = [];

    public TaskCompletionSource Gate { get; set; } = CompletedGate();

    public int GateOpensAt { get; set; }

    public Action<string>? OnCall { get; set; }

    /// <summary>True once the simulated process is dead: a dead process calls no more handlers.</summary>
    public Func<bool>? Dead { get; set; }

    public int MaxActive => Volatile.Read(ref _maxActive);

    public IReadOnlyList<string> Log => [.. _log];

    public void FailPrimary(string item, int times) => _primaryFailuresLeft[item] = times;

    public int Count(string entry) => _log.Count(e => e == entry);

    public async Task<int> PrimaryAsync(string item, CancellationToken ct)
    {
        CheckAlive();
        _log.Enqueue("primary:" + item);
        OnCall?.Invoke("primary:" + item);
        var active = Interlocked.Increment(ref _active);
        InterlockedMax(ref _maxActive, active);
        try
        {
            if (GateOpensAt > 0 && active >= GateOpensAt)
            {
                Gate.TrySetResult();
            }

            // Hang guard: a map that never reaches GateOpensAt concurrent items fails instead of hanging the run.
            await Gate.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            var left = _primaryFailuresLeft.GetValueOrDefault(item);
            if (left > 0)
            {
                _primaryFailuresLeft[item] = left - 1;
                throw new InvalidOperationException($"primary model garbled {item}");
            }

            return item.Length;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public Task<int> EscalatedAsync(string item, CancellationToken ct)
    {
        CheckAlive();
        _log.Enqueue("escalated:" + item);
        OnCall?.Invoke("escalated:" + item);
        return EscalationFails.Contains(item)
            ? throw new TimeoutException($"strong model timed out on {item}")
            : Task.FromResult(item.Length * 100);
    }

    private void CheckAlive()
    {
        if (Dead?.Invoke() == true)
        {
            throw new ProcessDiedException();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}

public sealed record WordCount(int Total, int Items);

[Workflow("count-words")]
internal sealed class CountWordsFlow(Handlers handlers, double minRatio, int maxConcurrency, int attempts, bool escalate, Counter? reduces = null) : IWorkflow<string[], PatternOutcome>
{
    public async Task<PatternOutcome> RunAsync(WorkflowContext context, string[] input)
    {
        var options = new MapReduceOptions<string, int, WordCount>
        {
            Map = handlers.PrimaryAsync,
            Escalate = escalate ? handlers.EscalatedAsync : null,
            Reduce = (outcomes, _) =>
            {
                reduces?.Increment();
                return Task.FromResult(new WordCount(outcomes.Where(o => o.Succeeded).Sum(o => o.Value), outcomes.Count(o => o.Succeeded)));
            },
            MaxConcurrency = maxConcurrency,
            MinSuccessRatio = minRatio,
            ItemRetry = new StepOptions { MaxAttempts = attempts, InitialDelay = TimeSpan.Zero },
        };
        try
        {
            var result = await context.MapReduceAsync("count", input, options);
            return new PatternOutcome(
                $"{result.Output.Total}/{result.Output.Items}",
                true,
                result.Report.ToString(),
                [.. result.Report.Failures.Select(f => f.Label)],
                [.. result.Items.Where(i => i.Escalated).Select(i => $"{i.Item}:{i.Attempts}:{i.Succeeded}")]);
        }
        catch (QuorumNotMetException ex)
        {
            return new PatternOutcome(null, false, ex.Report.ToString(), [.. ex.Report.Failures.Select(f => f.Label + " | " + f.Error)], [.. ex.Report.Entries.Where(e => e.Escalated).Select(e => $"{e.Label}:{e.Attempts}:{e.Succeeded}")]);
        }
    }
}

internal sealed class Counter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);
}
