using Microsoft.Extensions.AI;
using Nines.Chaos;

namespace Nines;

/// <summary>Adds chaos injection to a chat client pipeline.</summary>
public static class ChaosChatClientBuilderExtensions
{
    /// <summary>Injects faults from <paramref name="profile"/> into calls to the inner client.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="profile">Which faults to inject and how often.</param>
    /// <param name="configure">Changes the <see cref="ChaosOptions"/> (seed override, clock, enabled).</param>
    /// <returns><paramref name="builder"/>, for chaining. When the profile injects nothing or chaos is disabled, no layer is added.</returns>
    /// <remarks>Put it innermost (closest to the model), below resilience, so retries and contracts see the faults as they would see real ones.</remarks>
    public static ChatClientBuilder UseChaos(this ChatClientBuilder builder, ChaosProfile profile, Action<ChaosOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(profile);
        var options = new ChaosOptions();
        configure?.Invoke(options);
        return builder.Use(inner => !options.Enabled || profile.TotalRate <= 0 ? inner : new ChaosChatClient(inner, profile, options));
    }

    /// <summary>Injects faults from a built-in profile or a profile JSON file into calls to the inner client.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="profileNameOrPath">A built-in name (<c>none</c>, <c>flaky-provider</c>, <c>bad-json</c>, <c>outage</c>, <c>rate-limited</c>) or a JSON file path.</param>
    /// <param name="configure">Changes the <see cref="ChaosOptions"/> (seed override, clock, enabled).</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="FileNotFoundException">The name is neither built in nor an existing file.</exception>
    /// <exception cref="FormatException">The file is not a valid profile.</exception>
    public static ChatClientBuilder UseChaos(this ChatClientBuilder builder, string profileNameOrPath, Action<ChaosOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseChaos(ChaosProfile.Load(profileNameOrPath), configure);
    }
}
