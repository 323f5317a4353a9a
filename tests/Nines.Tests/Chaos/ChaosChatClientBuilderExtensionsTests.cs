using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Nines.Chaos;

namespace Nines.Tests.Chaos;

public class ChaosChatClientBuilderExtensionsTests
{
    [Fact]
    public void UseChaos_None_ReturnsInnerUnchanged()
    {
        var inner = new ChaosTestChatClient();

        using var client = inner.AsBuilder().UseChaos("none").Build();

        Assert.Same(inner, client);
    }

    [Fact]
    public void UseChaos_Disabled_ReturnsInnerUnchanged()
    {
        var inner = new ChaosTestChatClient();

        using var client = inner.AsBuilder().UseChaos(ChaosProfile.Outage, o => o.Enabled = false).Build();

        Assert.Same(inner, client);
    }

    [Fact]
    public async Task UseChaos_Outage_EveryCallFails_SeedOverrideApplies()
    {
        var inner = new ChaosTestChatClient();

        using var client = inner.AsBuilder().UseChaos("outage", o => { o.Seed = 99; o.TimeProvider = new FakeTimeProvider(); }).Build();

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<Nines.Models.ModelHttpException>(() => client.GetResponseAsync("q"));
        }

        var chaos = client.GetService<ChaosChatClient>();
        Assert.NotNull(chaos);
        Assert.Equal(20, chaos.InjectedFaults.Values.Sum());
        Assert.Equal(0, inner.Calls);
    }
}
