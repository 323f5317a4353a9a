using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Simulation;

/// <summary>Serves <c>sim:&lt;profile&gt;</c> model specs with <see cref="SimulatedChatClient"/>s.</summary>
public sealed class SimulatedModelProvider : IModelProvider
{
    /// <inheritdoc/>
    public string Scheme => "sim";

    /// <inheritdoc/>
    public string Description => "sim:<profile> — simulated model, e.g. sim:good or sim:p=0.97";

    /// <inheritdoc/>
    public IChatClient Create(ModelSpec spec, ModelFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        SimulationProfile profile;
        try
        {
            profile = SimulationProfile.Parse(spec.Model);
        }
        catch (FormatException ex)
        {
            throw new ModelSpecException($"Model spec '{spec.Text}': {ex.Message}", ex);
        }

        return new SimulatedChatClient(profile, new SimulationOptions { Seed = options.Seed, TimeProvider = options.TimeProvider });
    }
}
