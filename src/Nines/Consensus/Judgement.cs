using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Consensus;

/// <summary>One sample judged: either an answer with its canonical key, or a red flag.</summary>
internal readonly record struct Judgement<TAnswer>(string? Key, TAnswer? Answer, RedFlagReason Reason, FailureCategory Category, string? Detail)
{
    public bool IsAnswer => Key is not null;

    public static Judgement<TAnswer> Vote(string key, TAnswer answer) => new(key, answer, default, FailureCategory.None, null);

    public static Judgement<TAnswer> Flag(RedFlagReason reason, FailureCategory category, string detail) => new(null, default, reason, category, detail);
}

/// <summary>Turns one model reply into a <see cref="Judgement{TAnswer}"/> (format or contract check, then the canonical key).</summary>
internal delegate Judgement<TAnswer> SampleJudge<TAnswer>(ChatResponse response);
