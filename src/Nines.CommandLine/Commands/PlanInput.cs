namespace Nines.CommandLine.Commands;

/// <summary>The validated options of <c>nines plan</c>. <see cref="Error"/> is kept as given so tiny rates keep their precision.</summary>
internal sealed record PlanInput(
    double Accuracy,
    double Error,
    long Steps,
    double? Target,
    IReadOnlyList<int> K,
    IReadOnlyList<int> N,
    IReadOnlyList<double> Nines,
    double Confidence);
