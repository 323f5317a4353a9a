namespace Nines.Evals;

/// <summary>One case of an eval suite: an input, what a right outcome is, and optionally its own scorer.</summary>
/// <remarks>Cases are immutable and shared by every trial and configuration; the runner may read them from many threads.</remarks>
public sealed class EvalCase
{
    /// <summary>Creates a case.</summary>
    /// <param name="id">A stable identifier, unique within the suite (it keys the report's per-case rows and the resume journal).</param>
    /// <param name="input">The input handed to each configuration's target.</param>
    /// <param name="expected">The expected outcome, or an oracle object the scorer consults; <see langword="null"/> when the scorer needs none.</param>
    /// <param name="scorer">This case's scorer; <see langword="null"/> uses the suite's <see cref="EvalSuite.Scorer"/>.</param>
    public EvalCase(string id, object? input = null, object? expected = null, EvalScorer? scorer = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
        Input = input;
        Expected = expected;
        Scorer = scorer;
    }

    /// <summary>The case's stable identifier.</summary>
    public string Id { get; }

    /// <summary>The input handed to each configuration's target.</summary>
    public object? Input { get; }

    /// <summary>The expected outcome or oracle, if any.</summary>
    public object? Expected { get; }

    /// <summary>This case's scorer, or <see langword="null"/> for the suite's.</summary>
    public EvalScorer? Scorer { get; }

    /// <inheritdoc/>
    public override string ToString() => Id;
}
