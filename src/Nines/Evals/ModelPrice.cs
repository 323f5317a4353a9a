namespace Nines.Evals;

/// <summary>A model's price in US dollars per million input and output tokens.</summary>
/// <param name="InputPerMillion">Dollars per million input (prompt) tokens.</param>
/// <param name="OutputPerMillion">Dollars per million output (completion) tokens.</param>
public readonly record struct ModelPrice(decimal InputPerMillion, decimal OutputPerMillion)
{
    /// <summary>The cost of <paramref name="inputTokens"/> and <paramref name="outputTokens"/> at this price.</summary>
    public decimal Cost(long inputTokens, long outputTokens) =>
        ((inputTokens * InputPerMillion) + (outputTokens * OutputPerMillion)) / 1_000_000m;
}
