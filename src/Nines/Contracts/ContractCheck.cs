using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Contracts;

/// <summary>The verdict of a <see cref="Contract{T}"/> on one model reply, made without re-asking.</summary>
/// <typeparam name="T">The type the reply should hold.</typeparam>
public sealed class ContractCheck<T>
{
    internal ContractCheck(ChatResponse? response, string rawText, FailureCategory category, IReadOnlyList<string> errors, T? value, int repairs)
    {
        Response = response;
        RawText = rawText;
        Category = category;
        Errors = errors;
        Value = value;
        Repairs = repairs;
    }

    /// <summary>Gets a value indicating whether the reply satisfied the whole contract.</summary>
    public bool IsValid => Category == FailureCategory.None;

    /// <summary>Gets the typed value when <see cref="IsValid"/> is <see langword="true"/>; otherwise the default.</summary>
    public T? Value { get; }

    /// <summary>Gets why the reply failed, or <see cref="FailureCategory.None"/>.</summary>
    public FailureCategory Category { get; }

    /// <summary>Gets the precise problems, each naming its JSON path where there is one (<c>$.lines[1].amount: …</c>).</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Gets the reply text as the model sent it.</summary>
    public string RawText { get; }

    /// <summary>Gets the number of tolerated repairs applied before parsing (such as stripping Markdown code fences).</summary>
    public int Repairs { get; }

    /// <summary>Gets the response that was checked, when the check was made on a <see cref="ChatResponse"/>.</summary>
    public ChatResponse? Response { get; }
}
