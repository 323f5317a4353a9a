namespace Nines.Tools;

/// <summary>What happens to an [C] call in a session that would then hold all of [A], [B] and [C].</summary>
public enum RuleOfTwoAction
{
    /// <summary>The call is refused outright.</summary>
    Block,

    /// <summary>The call runs only if an <see cref="IToolApprover"/> approves it; without an approver it is refused.</summary>
    RequireApproval,
}
