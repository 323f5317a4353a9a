using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Evals.Suites.Context;

/// <summary>
/// The scripted tool-using agent of the <c>context</c> suite, on a simulated model: it reads the incident log chunk by
/// chunk (following each chunk's "Next: chunk n"), then answers from what it can still see in its prompt.
/// </summary>
/// <remarks>
/// <para>Every call goes to the simulated model beneath, so each step's tokens and latency are counted and priced.
/// Navigation is scripted: a tool-call step always asks for the next chunk, whatever the model drew, so every trial makes
/// the same calls under every configuration. The final answer is the simulated model's draw against a task whose correct
/// answer is built from the prompt it was sent: the ticket from the task message, and the root cause from the latest chunk
/// in the prompt that records one. So the answer is right only when the prompt still holds both facts <em>and</em> the
/// model, whose accuracy decays with prompt size (<see cref="SimulationProfile.AccuracyDecay"/>), gets it right.</para>
/// <para>One instance per trial; not thread-safe.</para>
/// </remarks>
internal sealed partial class ContextAgentChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    /// <summary>The name of the tool the agent calls.</summary>
    public const string ToolName = "read_log";

    /// <summary>What the answer says for a fact the prompt no longer holds.</summary>
    public const string Unknown = "unknown";

    private int _calls;

    /// <summary>Gets the largest prompt, in the simulated model's input tokens, this agent sent.</summary>
    public long PeakPromptTokens { get; private set; }

    /// <summary>Gets the simulated model's accuracy on the last call, after decay.</summary>
    public double LastAccuracy { get; private set; }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        _calls++;
        var next = NextChunk(list);
        var task = next is { } chunk
            ? new SimulatedTask(string.Create(CultureInfo.InvariantCulture, $$"""{"tool":"{{ToolName}}","chunk":{{chunk}}}"""))
            : new SimulatedTask(Answer(list));
        var simulated = (options?.Clone() ?? new ChatOptions()).WithSimulatedTask(task);
        var response = await base.GetResponseAsync(list, simulated, cancellationToken).ConfigureAwait(false);
        PeakPromptTokens = Math.Max(PeakPromptTokens, response.Usage?.InputTokenCount ?? 0);
        LastAccuracy = response.AdditionalProperties?.TryGetValue(SimulatedChatClient.AccuracyKey, out var accuracy) == true && accuracy is double p ? p : double.NaN;
        if (next is not { } page)
        {
            return response;
        }

        var callId = "call-" + _calls.ToString(CultureInfo.InvariantCulture);
        var call = new FunctionCallContent(callId, ToolName, new Dictionary<string, object?> { ["chunk"] = page });
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, [call]) { MessageId = response.ResponseId })
        {
            ModelId = response.ModelId,
            ResponseId = response.ResponseId,
            CreatedAt = response.CreatedAt,
            FinishReason = ChatFinishReason.ToolCalls,
            Usage = response.Usage,
            AdditionalProperties = response.AdditionalProperties,
        };
    }

    /// <summary>The chunk to read next, or <see langword="null"/> when it is time to answer (the last chunk was read, or this is a re-ask).</summary>
    internal static int? NextChunk(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0 || !messages.Any(m => m.Role == ChatRole.Assistant))
        {
            return 1;
        }

        var last = messages[^1];
        if (last.Role != ChatRole.Tool)
        {
            return null;
        }

        var text = string.Concat(last.Contents.OfType<FunctionResultContent>().Select(r => PromptText.Render(r.Result)));
        var match = NextPattern().Match(text);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The answer a model would give from what <paramref name="messages"/> hold: <see cref="Unknown"/> for a fact they lost.</summary>
    internal static string Answer(IReadOnlyList<ChatMessage> messages)
    {
        var ticket = Unknown;
        var cause = Unknown;
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.User && TicketPattern().Match(message.Text) is { Success: true } t)
            {
                ticket = t.Groups[1].Value;
            }

            foreach (var result in message.Contents.OfType<FunctionResultContent>())
            {
                // The latest record wins: a later chunk supersedes an earlier, preliminary root cause.
                foreach (Match c in CausePattern().Matches(PromptText.Render(result.Result)))
                {
                    cause = c.Groups[1].Value;
                }
            }
        }

        return new JsonObject { ["ticket"] = ticket, ["rootCause"] = cause }.ToJsonString();
    }

    [GeneratedRegex(@"Next: chunk (\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex NextPattern();

    [GeneratedRegex(@"The customer ticket for this incident is (T-\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex TicketPattern();

    [GeneratedRegex(@"root cause recorded as (E-\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex CausePattern();
}
