namespace Nines.Agents.Patterns;

/// <summary>The journal names the patterns give their context calls, after the name the caller chose.</summary>
internal static class PatternSteps
{
    public const string PlanSuffix = ".plan";
    public const string WorkersSuffix = ".workers";
    public const string SynthesizeSuffix = ".synthesize";
    public const string MapSuffix = ".map";
    public const string ReduceSuffix = ".reduce";
}
