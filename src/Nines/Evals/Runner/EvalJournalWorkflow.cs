using Nines.Workflows;

namespace Nines.Evals;

/// <summary>
/// An eval as a durable workflow run: each step journals a group of finished trials, so a resumed run replays the groups
/// from the journal and runs only the trials that are missing.
/// </summary>
/// <remarks>
/// Every step is named <c>trials</c>, so replay matches whatever number of groups the interrupted run wrote. The groups form
/// by themselves (group commit): while one write is being made durable, trials keep finishing, and the next step takes all
/// of them, so the journal costs one durable write per group, not per trial.
/// </remarks>
[Workflow(WorkflowName, Version = 1)]
internal sealed class EvalJournalWorkflow(EvalJournalSession session) : IWorkflow<EvalJournalInput, EvalJournalOutput>
{
    public const string WorkflowName = "nines-eval";

    public const string StepName = "trials";

    public async Task<EvalJournalOutput> RunAsync(WorkflowContext context, EvalJournalInput input)
    {
        while (!session.AllJournaled)
        {
            if (session.PoolStoppedAndDrained)
            {
                // Interrupted (Ctrl+C) or a scorer threw: everything that finished is journaled. Stop the worker so the
                // engine gives the run back unfinished (pending), ready for --resume, instead of failing it.
                session.StopWorker();
                throw new OperationCanceledException("The eval was stopped; its finished trials are journaled.");
            }

            var batch = await context.StepAsync(StepName, session.NextBatchAsync).ConfigureAwait(false);
            session.Journaled(batch);
        }

        return new EvalJournalOutput(session.Total);
    }
}
