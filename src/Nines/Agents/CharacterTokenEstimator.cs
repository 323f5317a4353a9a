using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Agents;

/// <summary>
/// The default <see cref="IChatTokenEstimator"/>: characters divided by a fixed number of characters per token (4),
/// rounded up, per message. Deterministic and needs no tokenizer, so it works offline.
/// </summary>
/// <remarks>
/// <para>
/// A message's characters are its text and reasoning text, each tool call's name plus its arguments as JSON, and each
/// tool result as the provider would send it (a string as is, anything else as JSON). Images and files count as 0.
/// Four characters per token is the usual rule of thumb for English text with GPT-style tokenizers; code, JSON and
/// other languages often take more tokens per character, so leave headroom below the model's real context window or
/// plug in a tokenizer.
/// </para>
/// <para>Simulated models (<c>sim:</c>) count their input tokens the same way, so a budget is measured alike on both sides.</para>
/// </remarks>
public sealed class CharacterTokenEstimator : IChatTokenEstimator
{
    /// <summary>Initializes a new instance of the <see cref="CharacterTokenEstimator"/> class.</summary>
    /// <param name="charactersPerToken">How many characters make one token; 4 by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="charactersPerToken"/> is not a finite number above 0.</exception>
    public CharacterTokenEstimator(double charactersPerToken = 4)
    {
        if (!(charactersPerToken > 0) || double.IsInfinity(charactersPerToken))
        {
            throw new ArgumentOutOfRangeException(nameof(charactersPerToken), charactersPerToken, "Characters per token must be a finite number above 0, such as 4.");
        }

        CharactersPerToken = charactersPerToken;
    }

    /// <summary>Gets the shared estimator with 4 characters per token.</summary>
    public static CharacterTokenEstimator Default { get; } = new();

    /// <summary>Gets how many characters make one token.</summary>
    public double CharactersPerToken { get; }

    /// <inheritdoc/>
    public int EstimateTokens(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (int)Math.Min(int.MaxValue, (long)Math.Ceiling(PromptText.Length(message) / CharactersPerToken));
    }
}
