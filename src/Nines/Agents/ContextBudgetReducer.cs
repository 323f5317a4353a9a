using System.Globalization;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Agents;

#pragma warning disable MEAI001 // IChatReducer is experimental in Microsoft.Extensions.AI; implementing it lets this reducer plug into ReducingChatClient too.

/// <summary>
/// Shrinks a conversation to a token budget: keeps the instructions, the task and the latest turn; drops (or shortens)
/// old tool output first, then old turns, oldest first. The reducer <see cref="AgentRunner"/> uses for
/// <see cref="AgentRunOptions.MaxContextTokens"/>.
/// </summary>
/// <remarks>
/// <para>Never removed: every system message, the first user message (the task) and the latest turn, which is the last
/// assistant message and everything after it (its tool results, or a re-ask). With no assistant message yet, the whole
/// conversation is the latest turn.</para>
/// <para>Removed, in this order, until the prompt fits: (1) with <see cref="ContextReductionStrategy.TruncateOldToolResults"/>,
/// old tool results are shortened to an excerpt, oldest first; (2) old tool results are replaced by a short placeholder,
/// oldest first; (3) old messages are removed whole, oldest first, a tool call always together with its results.
/// A replaced result keeps its call id, so every <see cref="FunctionCallContent"/> still has its
/// <see cref="FunctionResultContent"/>, as providers require.</para>
/// <para>As an <see cref="IChatReducer"/> it returns the smallest conversation it may keep when even that is over budget
/// (the interface has no way to fail); <see cref="AgentRunner"/> checks the result and stops with
/// <see cref="AgentStopReason.ContextBudgetExceeded"/> instead of sending an oversize prompt. Deterministic and thread-safe.</para>
/// </remarks>
public sealed class ContextBudgetReducer : IChatReducer
{
    private readonly IChatTokenEstimator _estimator;

    /// <summary>Initializes a new instance of the <see cref="ContextBudgetReducer"/> class.</summary>
    /// <param name="maxTokens">The budget, in estimated tokens.</param>
    /// <param name="strategy">What to do first to old tool output.</param>
    /// <param name="estimator">Counts tokens; <see langword="null"/> means <see cref="CharacterTokenEstimator.Default"/>.</param>
    /// <param name="excerptTokens">How many tokens of a shortened tool result to keep, for <see cref="ContextReductionStrategy.TruncateOldToolResults"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is below 1 or <paramref name="excerptTokens"/> below 1.</exception>
    public ContextBudgetReducer(
        int maxTokens, ContextReductionStrategy strategy = ContextReductionStrategy.DropOldToolResults, IChatTokenEstimator? estimator = null, int excerptTokens = AgentConstants.DefaultContextExcerptTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(excerptTokens, 1);
        if (!Enum.IsDefined(strategy))
        {
            throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Use DropOldToolResults or TruncateOldToolResults.");
        }

        MaxTokens = maxTokens;
        Strategy = strategy;
        ExcerptTokens = excerptTokens;
        _estimator = estimator ?? CharacterTokenEstimator.Default;
    }

    /// <summary>Gets the budget, in estimated tokens.</summary>
    public int MaxTokens { get; }

    /// <summary>Gets what the reducer does first to old tool output.</summary>
    public ContextReductionStrategy Strategy { get; }

    /// <summary>Gets how many tokens of a shortened tool result are kept.</summary>
    public int ExcerptTokens { get; }

    /// <inheritdoc/>
    public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var (reduced, _) = Reduce(messages as IReadOnlyList<ChatMessage> ?? [.. messages], reservedTokens: 0, modelCall: 0);
        return Task.FromResult<IEnumerable<ChatMessage>>([.. reduced]);
    }

    /// <summary>Reduces <paramref name="messages"/> so that they plus <paramref name="reservedTokens"/> fit the budget.</summary>
    /// <returns>The messages to send (the same list when nothing had to go) and the record of what went, or <see langword="null"/> when nothing did.</returns>
    internal (IReadOnlyList<ChatMessage> Messages, ContextReduction? Reduction) Reduce(IReadOnlyList<ChatMessage> messages, int reservedTokens, int modelCall)
    {
        var tokens = new long[messages.Count];
        long total = reservedTokens;
        for (var i = 0; i < messages.Count; i++)
        {
            tokens[i] = _estimator.EstimateTokens(messages[i]);
            total += tokens[i];
        }

        if (total <= MaxTokens)
        {
            return (messages, null);
        }

        var before = total;
        var kept = new ChatMessage?[messages.Count];
        var isProtected = new bool[messages.Count];
        var latestTurn = LastIndexOf(messages, ChatRole.Assistant);
        var task = IndexOf(messages, ChatRole.User);
        for (var i = 0; i < messages.Count; i++)
        {
            kept[i] = messages[i];
            isProtected[i] = latestTurn < 0 || i >= latestTurn || i == task || messages[i].Role == ChatRole.System;
        }

        var names = ToolNames(messages);
        var results = OldToolResults(messages, isProtected);
        var truncated = new HashSet<string>(StringComparer.Ordinal);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        var affected = new List<string>();

        if (Strategy == ContextReductionStrategy.TruncateOldToolResults)
        {
            foreach (var (index, callId) in results)
            {
                if (total <= MaxTokens)
                {
                    break;
                }

                var result = Find(kept[index]!, callId);
                var text = PromptText.Render(result.Result);
                var keep = (long)ExcerptTokens * 4;
                if (text.Length <= keep)
                {
                    continue;
                }

                var size = _estimator.EstimateTokens(new ChatMessage(ChatRole.Tool, [result]));
                var excerpt = string.Create(
                    CultureInfo.InvariantCulture,
                    $"[Tool result of '{Name(names, callId)}' shortened to fit the context budget: the first {ExcerptTokens} of about {size} tokens.] {text[..(int)keep]}…");
                if (!TryReplace(kept, tokens, index, callId, excerpt, ref total))
                {
                    continue;
                }

                truncated.Add(callId);
                affected.Add(callId);
            }
        }

        foreach (var (index, callId) in results)
        {
            if (total <= MaxTokens)
            {
                break;
            }

            var result = Find(kept[index]!, callId);
            var size = _estimator.EstimateTokens(new ChatMessage(ChatRole.Tool, [result]));
            var placeholder = string.Create(
                CultureInfo.InvariantCulture,
                $"[Tool result of '{Name(names, callId)}' dropped to fit the context budget (about {size} tokens). Call the tool again if you need it.]");
            if (!TryReplace(kept, tokens, index, callId, placeholder, ref total))
            {
                continue;
            }

            truncated.Remove(callId);
            dropped.Add(callId);
            if (!affected.Contains(callId))
            {
                affected.Add(callId);
            }
        }

        var messagesDropped = 0;
        for (var start = 0; start < messages.Count && total > MaxTokens; start++)
        {
            if (isProtected[start] || kept[start] is null)
            {
                continue;
            }

            // A unit is a message, plus the tool messages that answer it when it calls tools: they go together.
            var end = start;
            if (messages[start].Contents.OfType<FunctionCallContent>().Any())
            {
                while (end + 1 < messages.Count && !isProtected[end + 1] && messages[end + 1].Role == ChatRole.Tool)
                {
                    end++;
                }
            }

            for (var i = start; i <= end; i++)
            {
                foreach (var result in kept[i]!.Contents.OfType<FunctionResultContent>())
                {
                    truncated.Remove(result.CallId);
                    dropped.Remove(result.CallId);
                    if (!affected.Contains(result.CallId))
                    {
                        affected.Add(result.CallId);
                    }
                }

                total -= tokens[i];
                kept[i] = null;
                messagesDropped++;
            }

            start = end;
        }

        var reduced = kept.OfType<ChatMessage>().ToList();
        var reduction = new ContextReduction(
            modelCall, MaxTokens, Clamp(before), Clamp(total), truncated.Count, dropped.Count, messagesDropped, affected);
        return (reduced, reduction);
    }

    private static int Clamp(long value) => (int)Math.Min(int.MaxValue, value);

    /// <summary>Replaces one tool result by <paramref name="text"/>, if that makes the message smaller.</summary>
    private bool TryReplace(ChatMessage?[] kept, long[] tokens, int index, string callId, string text, ref long total)
    {
        var message = kept[index]!.Clone();
        message.Contents = [.. message.Contents.Select(c => c is FunctionResultContent r && r.CallId == callId ? new FunctionResultContent(callId, text) : c)];
        var size = _estimator.EstimateTokens(message);
        if (size >= tokens[index])
        {
            // A result shorter than its placeholder stays: replacing it would grow the prompt.
            return false;
        }

        total += size - tokens[index];
        kept[index] = message;
        tokens[index] = size;
        return true;
    }

    private static FunctionResultContent Find(ChatMessage message, string callId) =>
        message.Contents.OfType<FunctionResultContent>().First(r => r.CallId == callId);

    private static List<(int Index, string CallId)> OldToolResults(IReadOnlyList<ChatMessage> messages, bool[] isProtected)
    {
        var results = new List<(int, string)>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (isProtected[i])
            {
                continue;
            }

            foreach (var result in messages[i].Contents.OfType<FunctionResultContent>())
            {
                results.Add((i, result.CallId));
            }
        }

        return results;
    }

    private static Dictionary<string, string> ToolNames(IReadOnlyList<ChatMessage> messages)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var call in messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            names.TryAdd(call.CallId, call.Name);
        }

        return names;
    }

    private static string Name(Dictionary<string, string> names, string callId) => names.GetValueOrDefault(callId, "a tool");

    private static int IndexOf(IReadOnlyList<ChatMessage> messages, ChatRole role)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role == role)
            {
                return i;
            }
        }

        return -1;
    }

    private static int LastIndexOf(IReadOnlyList<ChatMessage> messages, ChatRole role)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == role)
            {
                return i;
            }
        }

        return -1;
    }
}
