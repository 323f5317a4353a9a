using Nines.Chaos;

namespace Nines.Evals;

/// <summary>One named way of running the suite's cases, for example <c>baseline</c> (one bare call) or <c>hardened</c>
/// (resilience + contracts + consensus), or two different models.</summary>
public sealed class EvalConfiguration
{
    /// <summary>Creates a configuration.</summary>
    /// <param name="name">A short name used in reports and gates (<c>hardened.nines &gt;= 3</c>): letters, digits, '-' and '_'.</param>
    /// <param name="target">The system under test.</param>
    /// <param name="description">One line saying what the configuration is.</param>
    /// <param name="chaos">The fault profile the target's model calls run under; <see langword="null"/> for none.</param>
    public EvalConfiguration(string name, EvalTarget target, string? description = null, ChaosProfile? chaos = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(target);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException(
                $"Configuration name '{name}' may contain only letters, digits, '-' and '_' (gates refer to it as '<name>.nines'); rename it, for example 'hardened'.",
                nameof(name));
        }

        Name = name;
        Target = target;
        Description = description ?? string.Empty;
        Chaos = chaos;
    }

    /// <summary>The configuration's name.</summary>
    public string Name { get; }

    /// <summary>The system under test.</summary>
    public EvalTarget Target { get; }

    /// <summary>What the configuration is, in one line.</summary>
    public string Description { get; }

    /// <summary>The fault profile for this configuration's model calls, or <see langword="null"/>.</summary>
    /// <remarks>The target applies it, usually through <see cref="EvalTrialContext.Chaos"/> when it builds its pipeline;
    /// the runner seeds it per trial so the same seed injects the same faults.</remarks>
    public ChaosProfile? Chaos { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
