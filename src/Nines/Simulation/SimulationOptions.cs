namespace Nines.Simulation;

/// <summary>Settings of a <see cref="SimulatedChatClient"/>.</summary>
public sealed class SimulationOptions
{
    /// <summary>Gets or sets the seed: the same seed and the same order of calls give the same answers.</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets the clock that the simulated latency waits on.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>. Tests use a fake clock; demos use a
    /// <see cref="ScaledTimeProvider"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the oracle used when a request carries none in its <c>ChatOptions</c>.</summary>
    /// <value>The default value is <see langword="null"/>: requests without an oracle get a generic plain-text reply.</value>
    public ISimulationOracle? Oracle { get; set; }
}
