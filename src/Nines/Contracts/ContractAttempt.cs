using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Contracts;

/// <summary>One reply the model gave during a contract's call, and what was wrong with it.</summary>
/// <param name="Number">The attempt number, starting at 1.</param>
/// <param name="RawText">The reply text as the model sent it.</param>
/// <param name="Category">Why the reply failed, or <see cref="FailureCategory.None"/> for the accepted reply.</param>
/// <param name="Errors">The precise problems, each naming its JSON path where there is one.</param>
/// <param name="Usage">The tokens the reply used, when the provider reported them.</param>
public sealed record ContractAttempt(int Number, string RawText, FailureCategory Category, IReadOnlyList<string> Errors, UsageDetails? Usage);
