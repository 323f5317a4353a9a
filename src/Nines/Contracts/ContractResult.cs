using Microsoft.Extensions.AI;

namespace Nines.Contracts;

/// <summary>A value that satisfied its contract, with how it was obtained.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class ContractResult<T>
{
    internal ContractResult(T value, IReadOnlyList<ContractAttempt> attempts, UsageDetails usage, int repairs, ChatResponse response)
    {
        Value = value;
        Attempts = attempts;
        Usage = usage;
        Repairs = repairs;
        Response = response;
    }

    /// <summary>Gets the value, which passed the schema, DataAnnotations and every rule.</summary>
    public T Value { get; }

    /// <summary>Gets every reply the model gave, the accepted one last.</summary>
    public IReadOnlyList<ContractAttempt> Attempts { get; }

    /// <summary>Gets the tokens used, summed across every attempt.</summary>
    public UsageDetails Usage { get; }

    /// <summary>Gets the number of tolerated repairs (such as stripped code fences) across every attempt.</summary>
    public int Repairs { get; }

    /// <summary>Gets the number of re-asks, that is attempts after the first.</summary>
    public int Reasks => Attempts.Count - 1;

    /// <summary>Gets the accepted response.</summary>
    public ChatResponse Response { get; }
}
