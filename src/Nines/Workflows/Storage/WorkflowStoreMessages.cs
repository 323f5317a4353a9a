namespace Nines.Workflows.Storage;

/// <summary>Messages every store gives word for word, so tools, docs and the conformance suite see one text.</summary>
internal static class WorkflowStoreMessages
{
    /// <summary>The reason a blocked run carries: which version is missing, which versions live workers run, what to do.</summary>
    public static string BlockedReason(WorkflowVersionKey key, IEnumerable<WorkflowVersionKey> live)
    {
        var sameWorkflow = live
            .Where(k => string.Equals(k.Workflow, key.Workflow, StringComparison.Ordinal))
            .Distinct()
            .OrderBy(k => k.Version)
            .Select(k => k.ToString())
            .ToList();
        var running = sameWorkflow.Count > 0
            ? "live workers run: " + string.Join(", ", sameWorkflow)
            : "no live worker runs any version of it";
        return $"No live worker has workflow '{key.Workflow}' version {key.Version} registered ({running}). "
            + $"Register version {key.Version} ([Workflow(\"{key.Workflow}\", Version = {key.Version})]) in a worker, or cancel the run.";
    }

    /// <summary>The error a prune throws after it kept runs whose archive failed (the others were pruned).</summary>
    public static WorkflowStoreException ArchiveFailed(string storeDescription, int deleted, IReadOnlyList<(string RunId, Exception Error)> failures) =>
        new(
            $"Pruned {deleted} run(s) from {storeDescription} but kept {failures.Count} whose archive failed: "
            + string.Join("; ", failures.Select(f => $"'{f.RunId}': {f.Error.Message}"))
            + ". Fix the archive and prune again; the kept runs are pruned once they archive.",
            new AggregateException(failures.Select(f => f.Error)));
}
