namespace Nines.Samples.EvalSuiteSample;

/// <summary>The answer the model must give: a country's capital.</summary>
/// <param name="City">The capital city.</param>
public sealed record Capital(string City);
