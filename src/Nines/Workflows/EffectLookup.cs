namespace Nines.Workflows;

/// <summary>What an effect's reconcile handler found out about an idempotency key after a crash.</summary>
/// <typeparam name="T">The effect's result type.</typeparam>
public readonly struct EffectLookup<T>
{
    private EffectLookup(bool applied, T? value)
    {
        WasApplied = applied;
        Value = value;
    }

    /// <summary>The effect is not applied: the engine calls it again with the same key.</summary>
    public static EffectLookup<T> NotApplied => default;

    /// <summary>True when the effect was applied before the crash.</summary>
    public bool WasApplied { get; }

    /// <summary>The effect's result when it was applied.</summary>
    public T? Value { get; }

    /// <summary>The effect was applied and produced <paramref name="value"/>; it is journaled as the result.</summary>
    public static EffectLookup<T> Applied(T value) => new(applied: true, value);
}
