namespace Nines.Models;

/// <summary>Settings that model providers read when they create clients.</summary>
public sealed class ModelFactoryOptions
{
    /// <summary>Gets or sets how environment variables (API keys, base URLs) are read.</summary>
    /// <value>The default value reads the process environment.</value>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>Gets or sets the HTTP handler providers send requests through, for proxies and tests.</summary>
    /// <value>The default value is <see langword="null"/>: each provider uses its own handler.</value>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Gets or sets the clock that simulated models and timeouts use.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the seed for simulated models, so the same seed gives the same answers.</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; set; } = 1;
}
