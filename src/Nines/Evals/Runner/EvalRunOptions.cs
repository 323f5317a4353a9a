using Nines.Workflows.Storage;

namespace Nines.Evals;

/// <summary>How <see cref="EvalRunner"/> runs a suite: overrides of the suite's trials, seed and concurrency, a subset of
/// its configurations, the clocks, and the durable journal that lets an interrupted eval resume.</summary>
public sealed class EvalRunOptions
{
    /// <summary>Trials per case per configuration; overrides <see cref="EvalSuite.Trials"/>.</summary>
    /// <value>The default value is null (the suite's).</value>
    public int? Trials { get; set; }

    /// <summary>The seed every trial's seed derives from; overrides <see cref="EvalSuite.Seed"/>.</summary>
    /// <value>The default value is null (the suite's).</value>
    public long? Seed { get; set; }

    /// <summary>How many trials run at once; overrides <see cref="EvalSuite.MaxConcurrency"/>.</summary>
    /// <value>The default value is null (the suite's).</value>
    public int? MaxConcurrency { get; set; }

    /// <summary>The names of the configurations to run (ordinal, case-insensitive), in the suite's order whatever the order here.</summary>
    /// <value>The default value is null (every configuration).</value>
    public IReadOnlyList<string>? Configurations { get; set; }

    /// <summary>The clock trial latency is measured on and targets see as <see cref="EvalTrialContext.Time"/>; overrides <see cref="EvalSuite.Time"/>.</summary>
    /// <value>The default value is null (the suite's clock, else <see cref="TimeProvider.System"/>).</value>
    public TimeProvider? Time { get; set; }

    /// <summary>The wall clock for the run's start and finish times, the ETA and the journal's leases.</summary>
    /// <remarks>Kept apart from <see cref="Time"/> because a simulated suite's clock may run hundreds of times faster than real time.</remarks>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>The durable workflow store trials are journaled in, so an interrupted eval can resume; null runs without a journal.</summary>
    /// <remarks>The runner initializes the store but does not dispose it. The eval is a workflow run named
    /// <c>nines-eval</c>; <c>nines runs list --store …</c> shows it.</remarks>
    /// <value>The default value is null.</value>
    public IWorkflowStore? Store { get; set; }

    /// <summary>The journal's run id; null derives <c>eval-&lt;suite&gt;-&lt;hash&gt;</c> from the suite's name, seed, trials,
    /// configurations, cases and <see cref="Parameters"/>, so the same eval finds its own journal again.</summary>
    /// <value>The default value is null.</value>
    public string? RunId { get; set; }

    /// <summary>Continue the newest unfinished journaled run of this eval instead of starting a new one; trials it finished are
    /// read from the journal, not run again. With nothing to resume a new run starts (<see cref="EvalRunResult.ResumedTrials"/> is then 0).</summary>
    /// <value>The default value is false.</value>
    public bool Resume { get; set; }

    /// <summary>Start over even when an unfinished journaled run of this eval exists (it is cancelled; its journal is kept).
    /// Without <see cref="Resume"/> or this, an unfinished run is an error that says to choose one of them.</summary>
    /// <value>The default value is false.</value>
    public bool Fresh { get; set; }

    /// <summary>The arguments the suite was built from (<c>--disks 20</c>), recorded in the journal and part of the default
    /// <see cref="RunId"/>, so a run built with other arguments is never resumed by mistake.</summary>
    /// <value>The default value is null (none).</value>
    public IReadOnlyDictionary<string, string>? Parameters { get; set; }

    /// <summary>At most this many trial results go into one journal write.</summary>
    /// <remarks>Finished trials are journaled in groups: while one write is being made durable the next trials finish, and the
    /// following write takes all of them (up to this many). A crash loses at most the trials finished since the last write;
    /// a Ctrl+C loses none.</remarks>
    /// <value>The default value is 256.</value>
    public int MaxTrialsPerJournalWrite { get; set; } = 256;

    internal void Validate()
    {
        var problems = new List<string>();
        if (Trials is < 1)
        {
            problems.Add($"Trials is {Trials}: it must be at least 1.");
        }

        if (MaxConcurrency is < 1)
        {
            problems.Add($"MaxConcurrency is {MaxConcurrency}: it must be at least 1.");
        }

        if (Clock is null)
        {
            problems.Add("Clock is null: use TimeProvider.System, or a fake clock in tests.");
        }

        if (RunId is not null && string.IsNullOrWhiteSpace(RunId))
        {
            problems.Add("RunId is blank: give an id or leave it null for the derived one.");
        }

        if (Resume && Fresh)
        {
            problems.Add("Resume and Fresh are both set: resume continues the unfinished run, fresh starts over; choose one.");
        }

        if (MaxTrialsPerJournalWrite < 1)
        {
            problems.Add($"MaxTrialsPerJournalWrite is {MaxTrialsPerJournalWrite}: it must be at least 1.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Eval run options are invalid: " + string.Join(" ", problems));
        }
    }
}
