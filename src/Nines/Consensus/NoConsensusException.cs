using Nines.Models;

namespace Nines.Consensus;

/// <summary>Thrown when no answer reached the required margin within the sample budget and no escalation produced one.</summary>
public sealed class NoConsensusException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NoConsensusException"/> class.</summary>
    public NoConsensusException()
        : this("No answer reached consensus.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoConsensusException"/> class.</summary>
    /// <param name="message">What happened.</param>
    public NoConsensusException(string message)
        : this(message, new Dictionary<string, int>(), 0, [])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoConsensusException"/> class.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public NoConsensusException(string message, Exception innerException)
        : base(message, innerException)
    {
        Votes = new Dictionary<string, int>();
        RedFlags = [];
    }

    /// <summary>Initializes a new instance of the <see cref="NoConsensusException"/> class.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="votes">The votes per canonical answer key.</param>
    /// <param name="samplesDrawn">The samples drawn, red-flagged ones included.</param>
    /// <param name="redFlags">The samples that were discarded.</param>
    public NoConsensusException(string message, IReadOnlyDictionary<string, int> votes, int samplesDrawn, IReadOnlyList<RedFlag> redFlags)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(redFlags);
        Votes = votes;
        SamplesDrawn = samplesDrawn;
        RedFlags = redFlags;
    }

    /// <summary>Gets the failure category, always <see cref="FailureCategory.NoConsensus"/>.</summary>
    public FailureCategory Category => FailureCategory.NoConsensus;

    /// <summary>Gets the vote tally per canonical answer key.</summary>
    public IReadOnlyDictionary<string, int> Votes { get; }

    /// <summary>Gets the number of samples drawn, red-flagged ones included.</summary>
    public int SamplesDrawn { get; }

    /// <summary>Gets the samples that were discarded before they voted.</summary>
    public IReadOnlyList<RedFlag> RedFlags { get; }
}
