using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Contracts;

/// <summary>
/// Middleware that treats a bad 200 as a failure: when the call asks for JSON with a schema, each reply is validated
/// against it (malformed, schema, truncated, empty, refusal) and the model is re-asked with the precise errors, up to a
/// budget; then <see cref="ContractViolationException"/> is thrown. Calls without a schema are checked only for empty
/// output, truncation and refusal (see <see cref="ContractsOptions.CheckUnstructuredReplies"/>).
/// </summary>
/// <remarks>
/// Streaming calls pass through unchecked: a stream cannot be taken back once its chunks reached the caller.
/// Calls made by <c>AskAsync&lt;T&gt;</c> carry a marker and pass through too, since that method runs its own, typed loop.
/// </remarks>
internal sealed class ContractsChatClient : DelegatingChatClient
{
    private readonly int _maxAttempts;
    private readonly bool _checkUnstructured;
    private readonly string[] _refusalPhrases;

    public ContractsChatClient(IChatClient innerClient, ContractsOptions options)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _maxAttempts = options.MaxAttempts;
        _checkUnstructured = options.CheckUnstructuredReplies;
        _refusalPhrases = [.. options.RefusalPhrases.Select(p => p.Trim().ToLowerInvariant())];
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (options?.AdditionalProperties?.ContainsKey(ContractsConstants.HandledMarkerKey) == true)
        {
            options = options.Clone();
            options.AdditionalProperties = options.AdditionalProperties!.Clone();
            options.AdditionalProperties.Remove(ContractsConstants.HandledMarkerKey);
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var format = options?.ResponseFormat as ChatResponseFormatJson;
        var expectJson = format is not null;
        if (!expectJson && !_checkUnstructured)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var schema = format?.Schema is { } schemaElement ? ReplyInspector.GetCompiledSchema(schemaElement) : null;
        List<ChatMessage>? conversation = null;
        var attempts = new List<ContractAttempt>(1);
        var usage = new UsageDetails();
        var hadUsage = false;
        Activity? reask = null;
        for (var attempt = 1; ; attempt++)
        {
            ChatResponse response;
            try
            {
                response = await base.GetResponseAsync(conversation ?? messages, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                reask?.Dispose();
                reask = null;
            }

            if (response.Usage is { } used)
            {
                usage.Add(used);
                hadUsage = true;
            }

            var text = response.Text ?? string.Empty;
            var (category, errors, repairs) = Inspect(response, text, expectJson, schema);
            attempts.Add(new ContractAttempt(attempt, text, category, errors, response.Usage));
            ContractsTelemetry.RecordAttempt(category, repairs);
            if (category == FailureCategory.None)
            {
                if (hadUsage && attempts.Count > 1)
                {
                    response.Usage = usage;
                }

                LayerTrace.Add(response, ContractsConstants.LayerName, Describe(attempts, repairs));
                return response;
            }

            if (attempt >= _maxAttempts)
            {
                ContractsTelemetry.RecordExhausted(category);
                throw ContractViolationException.Create(format?.SchemaName ?? (expectJson ? "the JSON reply" : "the reply"), attempts);
            }

            reask = ContractsTelemetry.StartReask(attempt + 1, category);
            conversation ??= [.. messages];
            ReaskPrompt.Append(conversation, text, category, errors, expectJson);
        }
    }

    private static string Describe(List<ContractAttempt> attempts, int repairs)
    {
        var note = attempts.Count == 1 ? "1 attempt, valid" : $"{attempts.Count} attempts, repaired {string.Join(", ", attempts.Take(attempts.Count - 1).Select(a => a.Category).Distinct())}";
        return repairs > 0 ? $"{note}, stripped code fences" : note;
    }

    private (FailureCategory Category, IReadOnlyList<string> Errors, int Repairs) Inspect(
        ChatResponse response, string text, bool expectJson, CompiledSchema? schema)
    {
        var category = ReplyInspector.CheckEnvelope(response, text, expectJson, _refusalPhrases, out var error);
        if (category != FailureCategory.None || !expectJson)
        {
            return (category, error is null ? [] : [error], 0);
        }

        var json = ReplyInspector.StripFences(text, out var repaired);
        var repairs = repaired ? 1 : 0;
        using JsonDocument? document = ReplyInspector.TryParse(json, text, _refusalPhrases, out category, out error);
        if (document is null)
        {
            return (category, [error!], repairs);
        }

        if (schema is not null)
        {
            var errors = new List<string>();
            ReplyInspector.Validate(schema, document.RootElement, errors);
            if (errors.Count > 0)
            {
                return (FailureCategory.SchemaViolation, errors, repairs);
            }
        }

        if (repaired)
        {
            // The caller asked for JSON; hand back the JSON without the fences it was wrapped in.
            response.Messages = [new ChatMessage(ChatRole.Assistant, json) { AuthorName = response.Messages.LastOrDefault()?.AuthorName }];
        }

        return (FailureCategory.None, [], repairs);
    }
}
