using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Tests.Models;

public class LayerTraceTests
{
    [Fact]
    public void Add_TwoLayers_ReturnsBothInOrder()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"));

        LayerTrace.Add(response, "chaos", "injected 429");
        LayerTrace.Add(response, "resilience", "2 attempts");

        var notes = LayerTrace.Get(response);
        Assert.Equal([new LayerNote("chaos", "injected 429"), new LayerNote("resilience", "2 attempts")], notes);
    }
}
