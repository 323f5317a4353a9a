namespace Nines.Evals;

/// <summary>A scorer threw: a bug in the suite, not a failed trial, so the eval stops and names the trial.</summary>
public sealed class EvalScorerException : Exception
{
    /// <summary>Creates the exception for a scorer that threw <paramref name="innerException"/>.</summary>
    public EvalScorerException(string suite, string configuration, string caseId, int trial, Exception innerException)
        : base(
            $"The scorer of suite '{suite}' threw {innerException?.GetType().Name} on case '{caseId}', trial {trial}, configuration '{configuration}': "
            + $"{innerException?.Message} A scorer must return a verdict for any output (fail it with a category instead of throwing); fix the scorer and run again "
            + "(with a journal, --resume keeps the trials already finished).",
            innerException)
    {
        Suite = suite;
        Configuration = configuration;
        CaseId = caseId;
        Trial = trial;
    }

    /// <summary>The suite's name.</summary>
    public string Suite { get; }

    /// <summary>The configuration whose trial was being scored.</summary>
    public string Configuration { get; }

    /// <summary>The case's id.</summary>
    public string CaseId { get; }

    /// <summary>The trial number.</summary>
    public int Trial { get; }
}
