using Nines.Consensus;
using Nines.Contracts;
using Nines.Models;
using Nines.Resilience;

namespace Nines.Evals;

/// <summary>Names the failure-taxonomy category of a trial that threw, so an exception is a categorised failed trial, never a crashed eval.</summary>
public static class EvalFailureCategories
{
    /// <summary>The category of a trial whose target threw <paramref name="exception"/>: the <see cref="FailureCategory"/> name when Nines
    /// can classify it (contracts, consensus, provider errors, timeouts, breakers), otherwise <c>Exception:&lt;TypeName&gt;</c>.</summary>
    /// <param name="exception">What the target threw.</param>
    public static string FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var category = exception switch
        {
            ContractViolationException contract => contract.Category,
            NoConsensusException => FailureCategory.NoConsensus,
            _ => TransientFailures.Classify(exception),
        };
        return category is FailureCategory.Other or FailureCategory.None
            ? "Exception:" + exception.GetType().Name
            : category.ToString();
    }
}
