using Microsoft.Extensions.AI;

namespace Nines.Consensus;

/// <summary>What an escalation hook is told when no answer reached the margin within the sample budget.</summary>
public sealed class EscalationContext
{
    internal EscalationContext(
        IReadOnlyList<ChatMessage> messages, ChatOptions? options, IReadOnlyDictionary<string, int> votes, int samplesDrawn,
        IReadOnlyList<RedFlag> redFlags, string reason)
    {
        Messages = messages;
        Options = options;
        Votes = votes;
        SamplesDrawn = samplesDrawn;
        RedFlags = redFlags;
        Reason = reason;
    }

    /// <summary>Gets the conversation that was sampled.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets the chat options the samples used.</summary>
    public ChatOptions? Options { get; }

    /// <summary>Gets the votes per canonical answer key.</summary>
    public IReadOnlyDictionary<string, int> Votes { get; }

    /// <summary>Gets the number of samples drawn, red-flagged ones included.</summary>
    public int SamplesDrawn { get; }

    /// <summary>Gets the samples that were discarded.</summary>
    public IReadOnlyList<RedFlag> RedFlags { get; }

    /// <summary>Gets why the vote did not decide, in words.</summary>
    public string Reason { get; }
}
