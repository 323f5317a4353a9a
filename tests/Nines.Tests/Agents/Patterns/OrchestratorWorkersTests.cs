using Nines.Agents.Patterns;
using Nines.Tests.Workflows;
using Nines.Workflows;

namespace Nines.Tests.Agents.Patterns;

public sealed class OrchestratorWorkersTests
{
    [Fact]
    public async Task OrchestrateAsync_AllWorkersSucceed_PlansOnceRunsEachSubtaskOnceAndSynthesisesAll()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "risks", "costs");
        bed.Registry.Add(() => new ResearchFlow(models, minRatio: 1));
        var run = await bed.Client().StartAsync<ResearchFlow, string, PatternOutcome>("solar panels");

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal("brief of 3 sections", outcome.Output);
        Assert.Equal((1, 3, 1), (models.Planner.Calls, models.Workers.Calls, models.Synthesizer.Calls));
        Assert.Contains("notes on risks", models.Synthesizer.Prompts[0], StringComparison.Ordinal);
        var steps = await bed.Client().GetStepsAsync(run.RunId);
        Assert.Equal(["research.plan", "research.workers", "research.workers[0]", "research.workers[1]", "research.workers[2]", "research.synthesize"], steps.OrderBy(s => (s.Position, s.Item)).Select(s => s.Name));
    }

    [Fact]
    public async Task OrchestrateAsync_ProcessDiesInAWorker_ResumeRepeatsNoFinishedModelCall()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "risks", "costs", "timeline");
        bed.Registry.Add(() => new ResearchFlow(models, minRatio: 1, maxConcurrency: 1));
        var run = await bed.Client().StartAsync<ResearchFlow, string, PatternOutcome>("solar panels");
        var dying = new KillableStore(bed.Store);
        var dead = false;
        models.Workers.Dead = () => dead;
        models.Workers.OnCall = prompt =>
        {
            if (prompt.Contains("costs", StringComparison.Ordinal) && models.Workers.CallsContaining("costs") == 1)
            {
                dying.Kill();
                dead = true;
            }
        };

        await Assert.ThrowsAnyAsync<Exception>(() => bed.Worker("worker-a", dying).RunUntilIdleAsync());
        Assert.Equal((1, 0), (models.Planner.Calls, models.Synthesizer.Calls));
        dead = false; // a new process
        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.Worker("worker-b").RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal("brief of 4 sections", outcome.Output);
        // The plan and the two sections journaled before the crash are not asked again; only the section in flight is.
        Assert.Equal(1, models.Planner.Calls);
        Assert.Equal((1, 1, 2, 1), (models.Workers.CallsContaining("market"), models.Workers.CallsContaining("risks"), models.Workers.CallsContaining("costs"), models.Workers.CallsContaining("timeline")));
        Assert.Equal(1, models.Synthesizer.Calls);
    }

    [Fact]
    public async Task OrchestrateAsync_ProcessDiesInTheSynthesiser_ResumeAsksOnlyTheSynthesiserAgain()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "risks", "costs");
        bed.Registry.Add(() => new ResearchFlow(models, minRatio: 1));
        var run = await bed.Client().StartAsync<ResearchFlow, string, PatternOutcome>("solar panels");
        var dying = new KillableStore(bed.Store);
        models.Synthesizer.OnCall = _ =>
        {
            if (models.Synthesizer.Calls == 1)
            {
                dying.Kill();
            }
        };

        await Assert.ThrowsAnyAsync<Exception>(() => bed.Worker("worker-a", dying).RunUntilIdleAsync());
        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.Worker("worker-b").RunUntilIdleAsync();

        Assert.Equal("brief of 3 sections", (await bed.Client().GetResultAsync<PatternOutcome>(run.RunId)).Output);
        Assert.Equal((1, 3, 2), (models.Planner.Calls, models.Workers.Calls, models.Synthesizer.Calls));
    }

    [Fact]
    public async Task OrchestrateAsync_QuorumNotMet_SkipsTheSynthesiserAndReportsEachFailedSubtaskWithItsReason()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "broken risks", "costs", "broken timeline");
        bed.Registry.Add(() => new ResearchFlow(models, minRatio: 0.75));
        var run = await bed.Client().StartAsync<ResearchFlow, string, PatternOutcome>("solar panels");

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.False(outcome.QuorumMet);
        Assert.Null(outcome.Output);
        Assert.Equal(0, models.Synthesizer.Calls);
        Assert.Equal(2, outcome.Failed.Count);
        Assert.StartsWith("broken risks | ContractViolationException: ", outcome.Failed[0], StringComparison.Ordinal);
        Assert.StartsWith("broken timeline | ContractViolationException: ", outcome.Failed[1], StringComparison.Ordinal);
        Assert.Contains("research: 2 of 4 succeeded (50%; 75% required) — quorum NOT met", outcome.Report, StringComparison.Ordinal);
        Assert.Contains("[1] broken risks: FAILED", outcome.Report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrchestrateAsync_QuorumMetWithFailures_SynthesisesTheSuccessesAndReportsTheFailure()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "broken risks", "costs", "timeline");
        bed.Registry.Add(() => new ResearchFlow(models, minRatio: 0.75));
        var run = await bed.Client().StartAsync<ResearchFlow, string, PatternOutcome>("solar panels");

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await bed.Client().GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal("brief of 3 sections", outcome.Output);
        Assert.Equal(["broken risks"], outcome.Failed);
        Assert.Contains("3 of 4 succeeded (75%; 75% required) — quorum met", outcome.Report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrchestrateAsync_QuorumNotMetAndUncaught_RunFailsWithTheReportInItsError()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "broken risks");
        bed.Registry.Add(() => new UncaughtResearchFlow(models));
        var run = await bed.Client().StartAsync<UncaughtResearchFlow, string, string>("solar panels");

        await bed.Worker().RunUntilIdleAsync();

        var failed = await bed.Client().GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Status);
        Assert.Contains("quorum not met", failed.Error, StringComparison.Ordinal);
        Assert.Contains("[1] Section { Title = broken risks }: FAILED", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, models.Synthesizer.Calls);
    }

    [Fact]
    public async Task OrchestrateAsync_PlannerReturnsTooManySubtasks_IsReaskedByTheDefaultPlanContract()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("a", "b");
        var tooMany = System.Text.Json.JsonSerializer.Serialize(new { subtasks = Enumerable.Range(0, 17).Select(i => new { title = "s" + i }) });
        var planner = models.Planner.Reply;
        models.Planner.Reply = prompt => models.Planner.Calls == 1 ? tooMany : planner(prompt);
        bed.Registry.Add(() => new ResearchFlow(models, minRatio: 1));
        var run = await bed.Client().StartAsync<ResearchFlow, string, PatternOutcome>("solar panels");

        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal("brief of 2 sections", (await bed.Client().GetResultAsync<PatternOutcome>(run.RunId)).Output);
        Assert.Equal(2, models.Planner.Calls);
        Assert.Contains("between 1 and 16 subtasks", models.Planner.Prompts[1], StringComparison.Ordinal);
        Assert.Equal(2, models.Workers.Calls);
    }

    [Fact]
    public async Task OrchestrateAsync_WorkersAsChildWorkflows_EachSubtaskIsAChildRunAndAFailedChildIsAFailedSubtask()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "broken risks", "costs", "timeline", "team");
        bed.Registry.Add(() => new ChildResearchFlow(models)).Add(() => new WriteSectionFlow(models));
        var client = bed.Client();
        var run = await client.StartAsync<ChildResearchFlow, string, PatternOutcome>("solar panels");

        await bed.Worker().RunUntilIdleAsync();

        var outcome = await client.GetResultAsync<PatternOutcome>(run.RunId);
        Assert.Equal("brief of 4 sections", outcome.Output);
        var failure = Assert.Single(outcome.Failed);
        Assert.StartsWith("broken risks | ", failure, StringComparison.Ordinal);
        Assert.Contains("ended failed", failure, StringComparison.Ordinal);
        var children = await client.ListAsync(new Nines.Workflows.Storage.WorkflowRunQuery { ParentRunId = run.RunId });
        Assert.Equal(5, children.Count);
        Assert.Equal(1, models.Planner.Calls);
        Assert.Equal(1, models.Synthesizer.Calls);
    }

    [Fact]
    public async Task OrchestrateAsync_WorkersAsChildWorkflows_NoMoreThanMaxConcurrencyChildrenAreUnfinishedAtOnce()
    {
        await using var bed = new WorkflowTestBed();
        var models = new ResearchModels("market", "risks", "costs", "timeline", "team");
        var client = bed.Client();
        var unfinished = new List<int>();
        string? parent = null;
        models.BeforeWrite = async () =>
        {
            var children = await client.ListAsync(new Nines.Workflows.Storage.WorkflowRunQuery { ParentRunId = parent });
            lock (unfinished)
            {
                unfinished.Add(children.Count(c => !WorkflowClient.IsFinished(c.Status)));
            }
        };
        bed.Registry.Add(() => new ChildResearchFlow(models)).Add(() => new WriteSectionFlow(models));
        var run = await client.StartAsync<ChildResearchFlow, string, PatternOutcome>("solar panels");
        parent = run.RunId;

        await bed.Worker().RunUntilIdleAsync();

        Assert.Equal("brief of 5 sections", (await client.GetResultAsync<PatternOutcome>(run.RunId)).Output);
        Assert.Equal(5, unfinished.Count);
        Assert.All(unfinished, n => Assert.InRange(n, 1, 2));
    }

    [Fact]
    public async Task OrchestrateAsync_OptionsMissingModelsAndWorker_ThrowsListingEveryProblem()
    {
        await using var bed = new WorkflowTestBed();
        bed.Registry.Add(() => new InvalidOptionsFlow());
        var run = await bed.Client().StartAsync<InvalidOptionsFlow, string, string>("x");

        await bed.Worker().RunUntilIdleAsync();

        var failed = await bed.Client().GetRunAsync(run.RunId);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Status);
        Assert.Contains("Planner is not set", failed.Error, StringComparison.Ordinal);
        Assert.Contains("SynthesisPrompt is not set", failed.Error, StringComparison.Ordinal);
        Assert.Contains("no worker: set Worker or call UseChildWorkflow", failed.Error, StringComparison.Ordinal);
        Assert.Contains("MinSuccessRatio is 2", failed.Error, StringComparison.Ordinal);
    }

    [Workflow("invalid-options")]
    private sealed class InvalidOptionsFlow : IWorkflow<string, string>
    {
        public async Task<string> RunAsync(WorkflowContext context, string input)
        {
            var result = await context.OrchestrateAsync("research", input, new OrchestratorWorkersOptions<string, Section, SectionNotes, Brief>
            {
                PlanPrompt = t => t,
                MinSuccessRatio = 2,
            });
            return result.Output.Text;
        }
    }
}
