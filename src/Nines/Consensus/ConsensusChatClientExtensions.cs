using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Consensus;
using Nines.Contracts;
using Nines.Models;

namespace Nines;

/// <summary>Voting across independent samples for typed answers.</summary>
public static class ConsensusChatClientExtensions
{
    /// <summary>Samples the model several times and returns the answer the samples agree on.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="client">The chat client (model 0; <see cref="ConsensusOptions.Models"/> are added to the rotation).</param>
    /// <param name="prompt">The user prompt.</param>
    /// <param name="options">How to vote; <see langword="null"/> means first-to-ahead-by-3 with the defaults.</param>
    /// <param name="contract">The contract every sample must satisfy to vote; failures are red-flagged and resampled.</param>
    /// <param name="chatOptions">Chat options; cloned per sample, with the response format set to the contract's schema.</param>
    /// <param name="answerKey">
    /// Says when two answers are the same; <see langword="null"/> means normalised JSON of the typed value (sorted
    /// properties, canonical numbers, trimmed strings).
    /// </param>
    /// <param name="cancellationToken">A token to cancel the vote.</param>
    /// <returns>The winner, the tally and what it cost.</returns>
    /// <exception cref="NoConsensusException">No answer reached the margin within the budget and no escalation answered.</exception>
    public static Task<VoteResult<T>> VoteAsync<T>(
        this IChatClient client, string prompt, ConsensusOptions? options = null, Contract<T>? contract = null, ChatOptions? chatOptions = null,
        Func<T, string>? answerKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return VoteAsync(client, [new ChatMessage(ChatRole.User, prompt)], options, contract, chatOptions, answerKey, cancellationToken);
    }

    /// <summary>Samples the model several times and returns the answer the samples agree on.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="client">The chat client (model 0; <see cref="ConsensusOptions.Models"/> are added to the rotation).</param>
    /// <param name="messages">The conversation; every sample gets the same messages.</param>
    /// <param name="options">How to vote; <see langword="null"/> means first-to-ahead-by-3 with the defaults.</param>
    /// <param name="contract">The contract every sample must satisfy to vote; failures are red-flagged and resampled.</param>
    /// <param name="chatOptions">Chat options; cloned per sample, with the response format set to the contract's schema.</param>
    /// <param name="answerKey">
    /// Says when two answers are the same; <see langword="null"/> means normalised JSON of the typed value (sorted
    /// properties, canonical numbers, trimmed strings).
    /// </param>
    /// <param name="cancellationToken">A token to cancel the vote.</param>
    /// <returns>The winner, the tally and what it cost.</returns>
    /// <exception cref="NoConsensusException">No answer reached the margin within the budget and no escalation answered.</exception>
    /// <remarks>
    /// Each sample is a separate call. A contracts or consensus middleware in the same pipeline stands aside for these
    /// calls, so a bad sample is discarded and resampled (a red flag) rather than repaired, which keeps samples independent.
    /// </remarks>
    public static async Task<VoteResult<T>> VoteAsync<T>(
        this IChatClient client, IEnumerable<ChatMessage> messages, ConsensusOptions? options = null, Contract<T>? contract = null,
        ChatOptions? chatOptions = null, Func<T, string>? answerKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        var settings = (options ?? new ConsensusOptions()).Snapshot();
        contract ??= new Contract<T>();

        var sampleOptions = chatOptions?.Clone() ?? new ChatOptions();
        sampleOptions.ResponseFormat = contract.ResponseFormat;
        if (!string.IsNullOrWhiteSpace(contract.Instructions))
        {
            sampleOptions.Instructions = string.IsNullOrWhiteSpace(sampleOptions.Instructions)
                ? contract.Instructions
                : sampleOptions.Instructions + Environment.NewLine + contract.Instructions;
        }

        List<IChatClient> models = [client, .. settings.Models];
        Mark(sampleOptions, models);

        var outcome = await VoteEngine.RunAsync<T>(
            models,
            [.. messages],
            sampleOptions,
            settings,
            response =>
            {
                var check = contract.Check(response);
                if (!check.IsValid)
                {
                    var reason = check.Category is FailureCategory.SchemaViolation or FailureCategory.RuleViolation
                        ? RedFlagReason.Contract
                        : RedFlagReason.Format;
                    return Judgement<T>.Flag(reason, check.Category, string.Join("; ", check.Errors));
                }

                var value = check.Value!;
                var key = answerKey is not null
                    ? answerKey(value)
                    : CanonicalKey.ForJson(JsonSerializer.SerializeToElement(value, contract.SerializerOptions.GetTypeInfo(typeof(T))));
                return Judgement<T>.Vote(key, value);
            },
            cancellationToken).ConfigureAwait(false);

        return new VoteResult<T>(
            outcome.Winner, outcome.WinnerKey, outcome.Votes, outcome.SamplesDrawn, outcome.RedFlags, outcome.Usage,
            outcome.ReachedMargin, outcome.Escalated, outcome.Response);
    }

    private static void Mark(ChatOptions options, List<IChatClient> models)
    {
        var contracts = models.Any(m => m.GetService(typeof(ContractsChatClient)) is not null);
        var consensus = models.Any(m => m.GetService(typeof(ConsensusChatClient)) is not null);
        if (!contracts && !consensus)
        {
            return;
        }

        options.AdditionalProperties = options.AdditionalProperties?.Clone() ?? [];
        if (contracts)
        {
            options.AdditionalProperties[ContractsConstants.HandledMarkerKey] = true;
        }

        if (consensus)
        {
            options.AdditionalProperties[ConsensusConstants.HandledMarkerKey] = true;
        }
    }
}
