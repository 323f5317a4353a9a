using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Nines.Chaos;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Tests.Chaos;

public class ChaosWithSimulationTests
{
    [Fact]
    public async Task UseChaos_FlakyProviderOverPerfectSim_BarePipelineNearOneNine()
    {
        // Hangs removed (nothing here would cancel them): 8.5% bad calls remain, so about 91.5% succeed.
        // n = 5000: 4 standard errors = 4 × sqrt(0.915 × 0.085 / 5000) ≈ 0.016.
        const string Answer = """{"invoice":"INV-7","total":99.95}""";
        var profile = ChaosProfile.FlakyProvider;
        profile.Rates.Remove(ChaosFaultKind.Hang);
        var time = new FakeTimeProvider();
        using var sim = new SimulatedChatClient(SimulationProfile.Perfect with { TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero });
        profile.Latency = TimeSpan.Zero;
        using var client = sim.AsBuilder().UseChaos(profile, o => o.TimeProvider = time).Build();
        var options = new ChatOptions().WithSimulatedTask(new SimulatedTask(Answer));

        var successes = 0;
        for (var i = 0; i < 5000; i++)
        {
            try
            {
                var response = await client.GetResponseAsync("extract", options);
                if (response.Text == Answer && response.FinishReason == ChatFinishReason.Stop)
                {
                    successes++;
                }
            }
            catch (ModelHttpException)
            {
            }
        }

        Assert.InRange(successes / 5000.0, 0.915 - 0.016, 0.915 + 0.016);
        Assert.Equal(5000, sim.CallCount + client.GetService<ChaosChatClient>()!.InjectedFaults
            .Where(f => f.Key is ChaosFaultKind.RateLimit or ChaosFaultKind.ServerError or ChaosFaultKind.ServiceUnavailable or ChaosFaultKind.ConnectionReset)
            .Sum(f => f.Value));
    }
}
