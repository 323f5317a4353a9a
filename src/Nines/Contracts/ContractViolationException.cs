using Nines.Models;

namespace Nines.Contracts;

/// <summary>
/// Thrown when a model spent its attempt budget without giving a reply that satisfies the contract. Carries every attempt,
/// so the caller can see what the model said and why each reply was rejected.
/// </summary>
public sealed class ContractViolationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ContractViolationException"/> class.</summary>
    public ContractViolationException()
        : this("The model's reply broke its contract.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContractViolationException"/> class.</summary>
    /// <param name="message">What happened.</param>
    public ContractViolationException(string message)
        : this(message, [])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContractViolationException"/> class.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public ContractViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Attempts = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ContractViolationException"/> class.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="attempts">Every attempt, in order.</param>
    public ContractViolationException(string message, IReadOnlyList<ContractAttempt> attempts)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        Attempts = attempts;
    }

    /// <summary>Gets every reply the model gave, in order, with why each was rejected.</summary>
    public IReadOnlyList<ContractAttempt> Attempts { get; }

    /// <summary>Gets the failure category of the last attempt (<see cref="FailureCategory.Other"/> when there were none).</summary>
    public FailureCategory Category => Attempts.Count > 0 ? Attempts[^1].Category : FailureCategory.Other;

    internal static ContractViolationException Create(string what, IReadOnlyList<ContractAttempt> attempts)
    {
        var last = attempts[^1];
        var categories = string.Join(", ", attempts.Select(a => a.Category));
        var message =
            $"The model did not give a reply that satisfies the contract for {what} in {attempts.Count} attempt(s) ({categories}). " +
            $"Last problems: {string.Join("; ", last.Errors.Take(5))}. " +
            "Expected JSON matching the schema, its DataAnnotations and rules. To fix: inspect Attempts, make the prompt or " +
            "rules clearer, raise MaxAttempts, or use a stronger model.";
        return new ContractViolationException(message, attempts);
    }
}
