using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nines.Contracts;

namespace Nines;

/// <summary>Typed, validated calls on any <see cref="IChatClient"/>: the reply is right or the call throws.</summary>
public static class ContractsChatClientExtensions
{
    /// <summary>Asks for a <typeparamref name="T"/> and returns one that passed the schema, DataAnnotations and rules.</summary>
    /// <typeparam name="T">The type to ask for.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="prompt">The user prompt.</param>
    /// <param name="contract">The contract; <see langword="null"/> means the schema and DataAnnotations of <typeparamref name="T"/> only.</param>
    /// <param name="options">Chat options; they are cloned, and the response format is set to the contract's schema.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The validated value.</returns>
    /// <exception cref="ContractViolationException">No reply satisfied the contract within <see cref="Contract{T}.MaxAttempts"/>.</exception>
    public static async Task<T> AskAsync<T>(
        this IChatClient client, string prompt, Contract<T>? contract = null, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var result = await AskWithDetailsAsync(client, [new ChatMessage(ChatRole.User, prompt)], contract, options, cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>Asks for a <typeparamref name="T"/> and returns one that passed the schema, DataAnnotations and rules.</summary>
    /// <typeparam name="T">The type to ask for.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="messages">The conversation so far; it is copied, never modified.</param>
    /// <param name="contract">The contract; <see langword="null"/> means the schema and DataAnnotations of <typeparamref name="T"/> only.</param>
    /// <param name="options">Chat options; they are cloned, and the response format is set to the contract's schema.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The validated value.</returns>
    /// <exception cref="ContractViolationException">No reply satisfied the contract within <see cref="Contract{T}.MaxAttempts"/>.</exception>
    public static async Task<T> AskAsync<T>(
        this IChatClient client, IEnumerable<ChatMessage> messages, Contract<T>? contract = null, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await AskWithDetailsAsync(client, messages, contract, options, cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>Like <c>AskAsync</c>, but also returns every attempt, the summed usage and the repair count.</summary>
    /// <typeparam name="T">The type to ask for.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="prompt">The user prompt.</param>
    /// <param name="contract">The contract; <see langword="null"/> means the schema and DataAnnotations of <typeparamref name="T"/> only.</param>
    /// <param name="options">Chat options; they are cloned, and the response format is set to the contract's schema.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The validated value and how it was obtained.</returns>
    /// <exception cref="ContractViolationException">No reply satisfied the contract within <see cref="Contract{T}.MaxAttempts"/>.</exception>
    public static Task<ContractResult<T>> AskWithDetailsAsync<T>(
        this IChatClient client, string prompt, Contract<T>? contract = null, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return AskWithDetailsAsync(client, [new ChatMessage(ChatRole.User, prompt)], contract, options, cancellationToken);
    }

    /// <summary>Like <c>AskAsync</c>, but also returns every attempt, the summed usage and the repair count.</summary>
    /// <typeparam name="T">The type to ask for.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="messages">The conversation so far; it is copied, never modified.</param>
    /// <param name="contract">The contract; <see langword="null"/> means the schema and DataAnnotations of <typeparamref name="T"/> only.</param>
    /// <param name="options">Chat options; they are cloned, and the response format is set to the contract's schema.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The validated value and how it was obtained.</returns>
    /// <exception cref="ContractViolationException">No reply satisfied the contract within <see cref="Contract{T}.MaxAttempts"/>.</exception>
    /// <remarks>
    /// Transport errors (<see cref="HttpRequestException"/>, timeouts, cancellation) are not caught: they belong to the
    /// resilience layer. When the pipeline also holds <c>UseContracts</c>, that middleware stands aside for this call so
    /// the re-ask loop runs once, here, with this contract's budget.
    /// </remarks>
    public static async Task<ContractResult<T>> AskWithDetailsAsync<T>(
        this IChatClient client, IEnumerable<ChatMessage> messages, Contract<T>? contract = null, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        contract ??= new Contract<T>();

        var conversation = new List<ChatMessage>(messages);
        var chatOptions = options?.Clone() ?? new ChatOptions();
        chatOptions.ResponseFormat = contract.ResponseFormat;
        if (!string.IsNullOrWhiteSpace(contract.Instructions))
        {
            chatOptions.Instructions = string.IsNullOrWhiteSpace(chatOptions.Instructions)
                ? contract.Instructions
                : chatOptions.Instructions + Environment.NewLine + contract.Instructions;
        }

        if (client.GetService(typeof(ContractsChatClient)) is not null)
        {
            chatOptions.AdditionalProperties = chatOptions.AdditionalProperties?.Clone() ?? [];
            chatOptions.AdditionalProperties[ContractsConstants.HandledMarkerKey] = true;
        }

        var attempts = new List<ContractAttempt>(contract.MaxAttempts);
        var usage = new UsageDetails();
        var repairs = 0;
        Activity? reask = null;
        for (var attempt = 1; ; attempt++)
        {
            ChatResponse response;
            try
            {
                response = await client.GetResponseAsync(conversation, chatOptions, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                reask?.Dispose();
                reask = null;
            }

            var check = contract.Check(response);
            if (response.Usage is { } used)
            {
                usage.Add(used);
            }

            repairs += check.Repairs;
            attempts.Add(new ContractAttempt(attempt, check.RawText, check.Category, check.Errors, response.Usage));
            ContractsTelemetry.RecordAttempt(check.Category, check.Repairs);
            if (check.IsValid)
            {
                return new ContractResult<T>(check.Value!, attempts, usage, repairs, response);
            }

            if (attempt >= contract.MaxAttempts)
            {
                ContractsTelemetry.RecordExhausted(check.Category);
                throw ContractViolationException.Create(typeof(T).Name, attempts);
            }

            reask = ContractsTelemetry.StartReask(attempt + 1, check.Category);
            ReaskPrompt.Append(conversation, check.RawText, check.Category, check.Errors, expectJson: true);
        }
    }
}
