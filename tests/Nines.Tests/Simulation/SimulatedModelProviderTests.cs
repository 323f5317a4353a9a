using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Tests.Simulation;

public class SimulatedModelProviderTests
{
    [Fact]
    public async Task Create_SimSpec_ReturnsSimulatedClientWithSeedAndClock()
    {
        var provider = new SimulatedModelProvider();
        var time = new FakeTimeProvider();
        var options = new ModelFactoryOptions { Seed = 5, TimeProvider = time };

        using var client = provider.Create(ModelSpec.Parse("sim:p=0.97,ttft=0,token=0"), options);
        var response = await client.GetResponseAsync("hi");

        Assert.Equal("sim", provider.Scheme);
        Assert.Contains("sim:good", provider.Description, StringComparison.Ordinal);
        var simulated = Assert.IsType<SimulatedChatClient>(client);
        Assert.Equal(0.97, simulated.Profile.Accuracy);
        Assert.Equal("sim:p=0.97,ttft=0,token=0", response.ModelId);
        Assert.Equal(time.GetUtcNow(), response.CreatedAt);
    }

    [Fact]
    public void Create_BadProfile_ThrowsModelSpecException()
    {
        var provider = new SimulatedModelProvider();

        var ex = Assert.Throws<ModelSpecException>(() => provider.Create(ModelSpec.Parse("sim:excellent"), new ModelFactoryOptions()));

        Assert.Contains("sim:excellent", ex.Message, StringComparison.Ordinal);
        Assert.Contains("good", ex.Message, StringComparison.Ordinal);
    }
}
