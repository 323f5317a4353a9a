namespace Nines.Tools;

/// <summary>What a <see cref="ToolPolicy"/> says about calls to one tool before any argument or taint check.</summary>
public enum ToolVerdict
{
    /// <summary>Calls run once their arguments, rules, rate limit and the Rule of Two pass.</summary>
    Allow,

    /// <summary>Calls are refused; the tool is never invoked.</summary>
    Deny,

    /// <summary>Calls run only after an <see cref="IToolApprover"/> approves them.</summary>
    RequireApproval,
}
