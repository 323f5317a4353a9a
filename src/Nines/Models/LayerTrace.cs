using Microsoft.Extensions.AI;

namespace Nines.Models;

/// <summary>
/// Notes that each Nines layer leaves on a <see cref="ChatResponse"/> to say what it did for this call
/// (for example "resilience: 3 attempts, retried 429"), so tools such as <c>nines models check</c> can show
/// which layers acted.
/// </summary>
public static class LayerTrace
{
    /// <summary>The key under <see cref="ChatResponse.AdditionalProperties"/> that holds the notes.</summary>
    public const string PropertyKey = "nines.trace";

    /// <summary>Appends a note from <paramref name="layer"/> to <paramref name="response"/>.</summary>
    /// <param name="response">The response the layer produced or passed through.</param>
    /// <param name="layer">The layer's short name, such as <c>resilience</c>.</param>
    /// <param name="note">What the layer did, in a few words.</param>
    public static void Add(ChatResponse response, string layer, string note)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentException.ThrowIfNullOrEmpty(layer);
        ArgumentNullException.ThrowIfNull(note);

        response.AdditionalProperties ??= [];
        if (!response.AdditionalProperties.TryGetValue(PropertyKey, out var existing) || existing is not List<LayerNote> notes)
        {
            notes = [];
            response.AdditionalProperties[PropertyKey] = notes;
        }

        lock (notes)
        {
            notes.Add(new LayerNote(layer, note));
        }
    }

    /// <summary>Returns the notes on <paramref name="response"/>, innermost layer first.</summary>
    /// <param name="response">The response to read.</param>
    /// <returns>The notes, or an empty list.</returns>
    public static IReadOnlyList<LayerNote> Get(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.AdditionalProperties?.TryGetValue(PropertyKey, out var existing) == true && existing is List<LayerNote> notes)
        {
            lock (notes)
            {
                return [.. notes];
            }
        }

        return [];
    }
}
