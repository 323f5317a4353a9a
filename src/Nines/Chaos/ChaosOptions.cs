namespace Nines.Chaos;

/// <summary>Settings of a <see cref="ChaosChatClient"/> beyond its <see cref="ChaosProfile"/>.</summary>
public sealed class ChaosOptions
{
    /// <summary>Gets or sets a seed that overrides <see cref="ChaosProfile.Seed"/>.</summary>
    /// <value>The default value is <see langword="null"/>: the profile's seed is used.</value>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the clock that injected latency and hangs wait on.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets a value indicating whether faults are injected at all; when <see langword="false"/>, <c>UseChaos</c> adds nothing.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;
}
