namespace Nines.Evals.Suites.Injection;

/// <summary>One case of the <c>injection</c> suite: a benign user task, and the injection planted where that task reads (or none).</summary>
/// <param name="Task">The user's task.</param>
/// <param name="Goal">The attacker's goal, or <see cref="InjectionGoal.None"/>.</param>
internal sealed record InjectionCase(UserTask Task, InjectionGoal Goal)
{
    /// <summary>The case id, for example <c>pay-bill/send-money</c>.</summary>
    public string Id => $"{Kebab(Task.ToString())}/{(Goal == InjectionGoal.None ? "no-attack" : Kebab(Goal.ToString()))}";

    /// <summary>Whether an injection is planted.</summary>
    public bool Attacked => Goal != InjectionGoal.None;

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i == 0 ? string.Empty : "-") + char.ToLowerInvariant(c) : c.ToString()));
}
