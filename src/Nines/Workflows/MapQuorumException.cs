namespace Nines.Workflows;

/// <summary>Fewer map items succeeded than the minimum success ratio asks; carries every item's outcome as a partial-failure report.</summary>
public sealed class MapQuorumException : WorkflowStepFailedException
{
    /// <summary>Creates the exception.</summary>
    public MapQuorumException(string mapName, int succeeded, int total, double minSuccessRatio, IReadOnlyList<(int Index, string Error)> failures)
        : base(mapName, nameof(MapQuorumException), Describe(succeeded, total, minSuccessRatio, failures))
    {
        MapName = mapName;
        Succeeded = succeeded;
        Total = total;
        MinSuccessRatio = minSuccessRatio;
        Failures = failures;
    }

    /// <summary>The map step.</summary>
    public string MapName { get; }

    /// <summary>Items that succeeded.</summary>
    public int Succeeded { get; }

    /// <summary>Items in all.</summary>
    public int Total { get; }

    /// <summary>The ratio that was required.</summary>
    public double MinSuccessRatio { get; }

    /// <summary>Each failed item's index and error.</summary>
    public IReadOnlyList<(int Index, string Error)> Failures { get; }

    private static string Describe(int succeeded, int total, double ratio, IReadOnlyList<(int Index, string Error)> failures)
    {
        var shown = string.Join("; ", failures.Take(5).Select(f => $"item {f.Index}: {f.Error}"));
        var more = failures.Count > 5 ? $"; and {failures.Count - 5} more" : string.Empty;
        return $"{succeeded} of {total} items succeeded, below the required {ratio:P0}. Failures: {shown}{more}.";
    }
}
