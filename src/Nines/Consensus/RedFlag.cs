using Nines.Models;

namespace Nines.Consensus;

/// <summary>A sample that was discarded before it voted.</summary>
/// <param name="Sample">The sample's number, starting at 1, in the order samples were started.</param>
/// <param name="Model">The index of the model that produced it: 0 for the client itself, then <see cref="ConsensusOptions.Models"/> in order.</param>
/// <param name="Reason">Which red flag fired.</param>
/// <param name="Category">The failure category of the reply.</param>
/// <param name="Detail">What was wrong, in words.</param>
public sealed record RedFlag(int Sample, int Model, RedFlagReason Reason, FailureCategory Category, string Detail);
