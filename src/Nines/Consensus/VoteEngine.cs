using System.Globalization;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Consensus;

/// <summary>The winning answer of a vote and how it was reached.</summary>
internal sealed record VoteOutcome<TAnswer>(
    TAnswer Winner, string WinnerKey, IReadOnlyDictionary<string, int> Votes, int SamplesDrawn, IReadOnlyList<RedFlag> RedFlags,
    UsageDetails Usage, bool ReachedMargin, bool Escalated, ChatResponse Response)
{
    /// <summary>Gets a short account for <see cref="LayerTrace"/>, such as "7 samples, 1 red-flagged, won 5–1 (ahead by 4)".</summary>
    public string Summary()
    {
        var runnerUp = Votes.Where(v => v.Key != WinnerKey).Select(v => v.Value).DefaultIfEmpty(0).Max();
        var top = Votes.GetValueOrDefault(WinnerKey);
        var samples = SamplesDrawn == 1 ? "1 sample" : $"{SamplesDrawn} samples";
        var how = Escalated
            ? $"escalated (best vote {Votes.Values.DefaultIfEmpty(0).Max()}–{Votes.Values.OrderDescending().Skip(1).DefaultIfEmpty(0).First()})"
            : $"won {top}–{runnerUp} (ahead by {top - runnerUp})";
        return string.Create(CultureInfo.InvariantCulture, $"{samples}, {RedFlags.Count} red-flagged, {how}");
    }
}

/// <summary>
/// Draws independent samples, red-flags bad ones, tallies canonical answers and decides: first-to-ahead-by-k or majority
/// of n, with bounded parallelism, a sample budget and escalation.
/// </summary>
/// <remarks>
/// Samples are launched in rounds no larger than the votes still needed to possibly decide, so for first-to-ahead-by-k a
/// decision can only fall on the last reply in flight and no sample is wasted. Transport exceptions of any sample
/// propagate (after the others are cancelled); they are the resilience layer's business, not a vote.
/// </remarks>
internal static class VoteEngine
{
    public static async Task<VoteOutcome<TAnswer>> RunAsync<TAnswer>(
        IReadOnlyList<IChatClient> models,
        IReadOnlyList<ChatMessage> messages,
        ChatOptions? chatOptions,
        ConsensusOptions options,
        SampleJudge<TAnswer> judge,
        CancellationToken cancellationToken)
    {
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstAnswer = new Dictionary<string, (TAnswer Answer, ChatResponse Response)>(StringComparer.Ordinal);
        var redFlags = new List<RedFlag>();
        var usage = new UsageDetails();
        var inFlight = new List<Task<Sample>>(options.MaxParallelism);
        var drawn = 0;
        var valid = 0;

        using var samplingCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                var (top, topKey, second) = Leaders(votes);
                var decision = Decide(options, valid, top, second);
                if (decision == Decision.Won)
                {
                    var (answer, response) = firstAnswer[topKey!];
                    return new VoteOutcome<TAnswer>(answer, topKey!, votes, drawn, redFlags, usage, ReachedMargin: true, Escalated: false, response);
                }

                if (decision == Decision.Undecidable)
                {
                    break;
                }

                var needed = options.Mode == ConsensusMode.Majority ? options.Samples - valid : options.K - (top - second);
                while (inFlight.Count < options.MaxParallelism && inFlight.Count < needed && drawn < options.MaxSamples)
                {
                    var number = ++drawn;
                    var modelIndex = (number - 1) % models.Count;
                    inFlight.Add(DrawAsync(models[modelIndex], number, modelIndex, messages, chatOptions, samplingCts.Token));
                }

                if (inFlight.Count == 0)
                {
                    break;
                }

                var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.Remove(done);
                var sample = await done.ConfigureAwait(false);
                if (sample.Response.Usage is { } used)
                {
                    usage.Add(used);
                }

                var judged = Judge(sample.Response, options, judge);
                if (!judged.IsAnswer)
                {
                    redFlags.Add(new RedFlag(sample.Number, sample.Model, judged.Reason, judged.Category, judged.Detail!));
                    continue;
                }

                valid++;
                votes[judged.Key!] = votes.GetValueOrDefault(judged.Key!) + 1;
                firstAnswer.TryAdd(judged.Key!, (judged.Answer!, sample.Response));
            }
        }
        finally
        {
            if (inFlight.Count > 0)
            {
                await samplingCts.CancelAsync().ConfigureAwait(false);
                foreach (var orphan in inFlight)
                {
                    // Observe the exceptions of samples nobody waits for any more.
                    _ = orphan.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }
            }
        }

        return await EscalateAsync(messages, chatOptions, options, judge, votes, drawn, redFlags, usage, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<VoteOutcome<TAnswer>> EscalateAsync<TAnswer>(
        IReadOnlyList<ChatMessage> messages, ChatOptions? chatOptions, ConsensusOptions options, SampleJudge<TAnswer> judge,
        Dictionary<string, int> votes, int drawn, List<RedFlag> redFlags, UsageDetails usage, CancellationToken cancellationToken)
    {
        var tally = votes.Count == 0 ? "no valid votes" : string.Join(", ", votes.OrderByDescending(v => v.Value).Select(v => $"{Shorten(v.Key)}={v.Value}"));
        var reason = options.Mode == ConsensusMode.Majority
            ? $"No unique plurality among {options.Samples} valid votes within {options.MaxSamples} samples ({tally}; {redFlags.Count} red-flagged)."
            : $"No answer got ahead by {options.K} within {options.MaxSamples} samples ({tally}; {redFlags.Count} red-flagged).";

        if (options.Escalation is null)
        {
            throw new NoConsensusException(
                reason + " To fix: raise MaxSamples, lower K, improve the prompt or model, or set ConsensusOptions.Escalation to ask a stronger model or a human.",
                votes, drawn, redFlags);
        }

        var context = new EscalationContext(messages, chatOptions, votes, drawn, redFlags, reason);
        var escalated = await options.Escalation(context, cancellationToken).ConfigureAwait(false)
            ?? throw new NoConsensusException(reason + " The escalation hook gave no answer.", votes, drawn, redFlags);
        if (escalated.Usage is { } used)
        {
            usage.Add(used);
        }

        var judged = judge(escalated);
        if (!judged.IsAnswer)
        {
            throw new NoConsensusException(
                $"{reason} The escalation hook's answer was rejected too ({judged.Category}: {judged.Detail}).", votes, drawn, redFlags);
        }

        return new VoteOutcome<TAnswer>(judged.Answer!, judged.Key!, votes, drawn, redFlags, usage, ReachedMargin: false, Escalated: true, escalated);
    }

    private static Judgement<TAnswer> Judge<TAnswer>(ChatResponse response, ConsensusOptions options, SampleJudge<TAnswer> judge)
    {
        if (options.MaxOutputTokens is { } cap)
        {
            var tokens = response.Usage?.OutputTokenCount
                ?? (long)Math.Ceiling((response.Text?.Length ?? 0) / (double)ConsensusConstants.CharsPerToken);
            if (tokens > cap)
            {
                var how = response.Usage?.OutputTokenCount is null ? " (estimated from text length)" : string.Empty;
                return Judgement<TAnswer>.Flag(RedFlagReason.TokenCap, FailureCategory.Other, $"The reply used {tokens} output tokens{how}; the cap is {cap}.");
            }
        }

        if (options.RedFlag?.Invoke(response) is { } callerReason)
        {
            return Judgement<TAnswer>.Flag(RedFlagReason.Caller, FailureCategory.Other, callerReason);
        }

        return judge(response);
    }

    private static Decision Decide(ConsensusOptions options, int valid, int top, int second)
    {
        if (options.Mode == ConsensusMode.FirstToAheadByK)
        {
            return top - second >= options.K ? Decision.Won : Decision.Open;
        }

        var remaining = options.Samples - valid;
        if (remaining <= 0)
        {
            return top > second ? Decision.Won : Decision.Undecidable;
        }

        // No remaining vote could change the winner, so stopping early gives the same answer for less.
        return top - second > remaining ? Decision.Won : Decision.Open;
    }

    private static (int Top, string? TopKey, int Second) Leaders(Dictionary<string, int> votes)
    {
        var top = 0;
        var second = 0;
        string? topKey = null;
        foreach (var (key, count) in votes)
        {
            if (count > top)
            {
                second = top;
                top = count;
                topKey = key;
            }
            else if (count > second)
            {
                second = count;
            }
        }

        return (top, topKey, second);
    }

    private static async Task<Sample> DrawAsync(
        IChatClient model, int number, int modelIndex, IReadOnlyList<ChatMessage> messages, ChatOptions? chatOptions, CancellationToken cancellationToken)
    {
        // Each sample gets its own copy of the options so no sample (or middleware below) can affect another.
        var response = await model.GetResponseAsync(messages, chatOptions?.Clone(), cancellationToken).ConfigureAwait(false);
        return new Sample(number, modelIndex, response);
    }

    private static string Shorten(string key) => key.Length <= 40 ? key : string.Concat(key.AsSpan(0, 40), "…");

    private enum Decision
    {
        Open,
        Won,
        Undecidable,
    }

    private sealed record Sample(int Number, int Model, ChatResponse Response);
}
