namespace Nines.Samples.MapReduce;

/// <summary>A customer review to label, with the label a careful reader would give (the simulated models' ground truth).</summary>
/// <param name="Id">The review's number.</param>
/// <param name="Text">What the customer wrote.</param>
/// <param name="Expected">The correct label.</param>
public sealed record Review(int Id, string Text, ReviewLabel Expected)
{
    /// <summary>Twelve reviews of an online shop.</summary>
    public static IReadOnlyList<Review> Batch { get; } =
    [
        new(1, "Arrived two days early and works perfectly.", new("positive", "shipping")),
        new(2, "The charger died after a week; support never answered.", new("negative", "support")),
        new(3, "Box was crushed, but the kettle inside was fine.", new("neutral", "shipping")),
        new(4, "Charged twice for one order and still waiting on the refund.", new("negative", "billing")),
        new(5, "Great value for the price, would buy again.", new("positive", "price")),
        new(6, "The size chart is wrong; the shirt is far too small.", new("negative", "product")),
        new(7, "Support replaced my broken lamp within a day.", new("positive", "support")),
        new(8, "Delivery took three weeks with no tracking updates.", new("negative", "shipping")),
        new(9, "It does what it says. Nothing special.", new("neutral", "product")),
        new(10, "Cheaper elsewhere, but the quality is better here.", new("positive", "price")),
        new(11, "Invoice shows the wrong VAT number again.", new("negative", "billing")),
        new(12, "Friendly courier, parcel left safely with a neighbour.", new("positive", "shipping")),
    ];
}
