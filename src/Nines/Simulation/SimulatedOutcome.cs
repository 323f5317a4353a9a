namespace Nines.Simulation;

/// <summary>What a simulated model did on one call; stored on each response under <see cref="SimulatedChatClient.OutcomeKey"/>.</summary>
public enum SimulatedOutcome
{
    /// <summary>Answered correctly (or, without an oracle, gave its generic reply).</summary>
    Correct,

    /// <summary>Answered with a well-formed but wrong value.</summary>
    WrongAnswer,

    /// <summary>Answered with JSON that does not parse.</summary>
    MalformedJson,

    /// <summary>Stopped early at the output limit (<c>finish_reason=length</c>).</summary>
    Truncated,

    /// <summary>Refused to answer (<c>finish_reason=content_filter</c>).</summary>
    Refusal,

    /// <summary>Answered with no text.</summary>
    Empty,
}
