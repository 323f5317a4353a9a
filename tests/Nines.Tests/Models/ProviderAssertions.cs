using Microsoft.Extensions.AI;
using Nines.Tests.Fakes;

namespace Nines.Tests.Models;

/// <summary>Checks both provider families share: what a client must make of the same scripted exchange.</summary>
internal static class ProviderAssertions
{
    /// <summary>
    /// Streams a reply that the fake server sends as the chunks "Hel", "lo", " world" with 5 input and 3 output tokens,
    /// and asserts the client reassembles text, finish reason and usage from one streaming request.
    /// </summary>
    public static async Task AssertStreamsHelloWorldAsync(IChatClient client, FakeHttpServer server)
    {
        List<ChatResponseUpdate> updates = [];
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.Equal("Hello world", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(5, response.Usage?.InputTokenCount);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
        Assert.True(Assert.Single(server.Requests).Json["stream"]!.GetValue<bool>());
    }
}
