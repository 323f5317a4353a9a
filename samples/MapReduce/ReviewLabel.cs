using System.ComponentModel.DataAnnotations;
using Nines.Contracts;

namespace Nines.Samples.MapReduce;

/// <summary>What a model says about one review.</summary>
/// <param name="Sentiment">positive, negative or neutral.</param>
/// <param name="Topic">shipping, billing, support, price or product.</param>
public sealed record ReviewLabel([property: Required] string Sentiment, [property: Required] string Topic)
{
    /// <summary>The sentiments a label may have.</summary>
    public static IReadOnlyList<string> Sentiments { get; } = ["positive", "negative", "neutral"];

    /// <summary>The topics a label may have.</summary>
    public static IReadOnlyList<string> Topics { get; } = ["shipping", "billing", "support", "price", "product"];

    /// <summary>The contract a label must meet: a reply outside the allowed values is re-asked once, then counts as a failed attempt.</summary>
    public static Contract<ReviewLabel> Contract { get; } = new Contract<ReviewLabel> { MaxAttempts = 2 }
        .Require(l => Sentiments.Contains(l.Sentiment), $"sentiment must be one of {string.Join(", ", Sentiments)}")
        .Require(l => Topics.Contains(l.Topic), $"topic must be one of {string.Join(", ", Topics)}");

    /// <summary>The labelling prompt for one review.</summary>
    public static string Prompt(Review review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return $"Label this customer review with a sentiment ({string.Join(", ", Sentiments)}) and a topic ({string.Join(", ", Topics)}) as JSON.\n\nReview #{review.Id}: {review.Text}";
    }
}
