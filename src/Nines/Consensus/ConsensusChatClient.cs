using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Contracts;
using Nines.Models;

namespace Nines.Consensus;

/// <summary>
/// Middleware that answers each call by voting across independent samples: it votes on the canonical text (or
/// normalised JSON) of the replies and returns the winning response, with usage summed over every sample.
/// </summary>
/// <remarks>
/// When the call asks for JSON (<see cref="ChatResponseFormatJson"/>), replies that do not parse or break the schema are
/// red-flagged; every reply is red-flagged when empty, truncated or a refusal. Streaming calls vote first and then
/// stream the winning response.
/// </remarks>
internal sealed class ConsensusChatClient : DelegatingChatClient
{
    private readonly ConsensusOptions _options;
    private readonly IReadOnlyList<IChatClient> _models;

    public ConsensusChatClient(IChatClient innerClient, ConsensusOptions options)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Snapshot();
        _models = [innerClient, .. _options.Models];
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (options?.AdditionalProperties?.ContainsKey(ConsensusConstants.HandledMarkerKey) == true)
        {
            options = options.Clone();
            options.AdditionalProperties = options.AdditionalProperties!.Clone();
            options.AdditionalProperties.Remove(ConsensusConstants.HandledMarkerKey);
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var format = options?.ResponseFormat as ChatResponseFormatJson;
        var schema = format?.Schema is { } schemaElement ? ReplyInspector.GetCompiledSchema(schemaElement) : null;
        var outcome = await VoteEngine.RunAsync<ChatResponse>(
            _models, [.. messages], options, _options, response => Judge(response, format is not null, schema), cancellationToken).ConfigureAwait(false);

        var winner = outcome.Winner;
        winner.Usage = outcome.Usage;
        LayerTrace.Add(winner, ConsensusConstants.LayerName, outcome.Summary());
        return winner;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    private Judgement<ChatResponse> Judge(ChatResponse response, bool expectJson, CompiledSchema? schema)
    {
        var text = response.Text ?? string.Empty;
        var category = ReplyInspector.CheckEnvelope(response, text, expectJson, ContractsConstants.DefaultRefusalPhrases, out var error);
        if (category != FailureCategory.None)
        {
            return Judgement<ChatResponse>.Flag(RedFlagReason.Format, category, error!);
        }

        string key;
        if (expectJson)
        {
            var json = ReplyInspector.StripFences(text, out _);
            using var document = ReplyInspector.TryParse(json, text, ContractsConstants.DefaultRefusalPhrases, out category, out error);
            if (document is null)
            {
                return Judgement<ChatResponse>.Flag(RedFlagReason.Format, category, error!);
            }

            if (schema is not null)
            {
                var errors = new List<string>();
                ReplyInspector.Validate(schema, document.RootElement, errors);
                if (errors.Count > 0)
                {
                    return Judgement<ChatResponse>.Flag(RedFlagReason.Format, FailureCategory.SchemaViolation, string.Join("; ", errors));
                }
            }

            key = _options.ResponseKey?.Invoke(response) ?? CanonicalKey.ForJson(document.RootElement);
        }
        else
        {
            key = _options.ResponseKey?.Invoke(response) ?? CanonicalKey.ForText(text);
        }

        return Judgement<ChatResponse>.Vote(key, response);
    }
}
