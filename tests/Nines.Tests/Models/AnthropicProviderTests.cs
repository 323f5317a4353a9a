using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;
using Nines.Models;
using Nines.Tests.Fakes;

namespace Nines.Tests.Models;

/// <summary>The anthropic provider (official SDK) against a local server speaking the Messages API.</summary>
public sealed class AnthropicProviderTests : IAsyncLifetime
{
    private readonly FakeHttpServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetResponseAsync_Success_MapsTextFinishReasonUsageAndSendsWireRequest()
    {
        _server.Enqueue(FakeHttpReply.Json(AnthropicWireFormat.Message("Hello there", inputTokens: 11, outputTokens: 7)));
        using var client = CreateClient();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("Hello there", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(11, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(AnthropicWireFormat.Path, request.Path);
        // Anthropic SDK 13.x sends ClientOptions.ApiKey as "Authorization: Bearer", not "x-api-key".
        Assert.Equal("Bearer sk-ant-test", request.Header("Authorization"));
        Assert.False(string.IsNullOrEmpty(request.Header("anthropic-version")));
        Assert.Equal("claude-test", request.Json["model"]!.GetValue<string>());
        Assert.True(request.Json["max_tokens"]!.GetValue<int>() > 0);
        Assert.Contains("be brief", request.Json["system"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("user", request.Json["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Contains("hi", request.Json["messages"]![0]!["content"]!.ToJsonString(), StringComparison.Ordinal);

        var note = Assert.Single(LayerTrace.Get(response));
        Assert.Equal("provider", note.Layer);
        Assert.Contains("anthropic", note.Note, StringComparison.Ordinal);
        Assert.Contains("model claude-test", note.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_JsonSchemaFormat_SendsSchema()
    {
        _server.Enqueue(FakeHttpReply.Json(AnthropicWireFormat.Message("""{"total":42}""")));
        using var client = CreateClient();
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"total":{"type":"number"}},"required":["total"]}""");

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "extract")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "invoice", "An invoice total.") });

        Assert.Equal("""{"total":42}""", response.Text);
        // The SDK's IChatClient maps ResponseFormat to Messages' structured outputs: output_config.format.
        var format = Assert.Single(_server.Requests).Json["output_config"]!["format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        Assert.Equal("number", format["schema"]!["properties"]!["total"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetResponseAsync_ToolUse_SendsToolsAndParsesFunctionCall()
    {
        _server.Enqueue(FakeHttpReply.Json(AnthropicWireFormat.ToolUse("toolu_1", "get_weather", """{"city":"Paris","days":3}""")));
        using var client = CreateClient();
        var tool = AIFunctionFactory.Create((string city, int days) => "sunny", "get_weather", "Gets the weather.");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")], new ChatOptions { Tools = [tool] });

        var sentTool = Assert.Single(_server.Requests).Json["tools"]![0]!;
        Assert.Equal("get_weather", sentTool["name"]!.GetValue<string>());
        Assert.NotNull(sentTool["input_schema"]!["properties"]!["city"]);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("toolu_1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal("3", call.Arguments!["days"]?.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetStreamingResponseAsync_SseEvents_AssemblesTextFinishReasonAndUsage(bool withHandler)
    {
        _server.Enqueue(FakeHttpReply.Sse(AnthropicWireFormat.Stream(["Hel", "lo", " world"], inputTokens: 5, outputTokens: 3)));
        using var client = CreateClient(withHandler);

        await ProviderAssertions.AssertStreamsHelloWorldAsync(client, _server);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetResponseAsync_429WithRetryAfter_ThrowsModelHttpExceptionWithHintAndSdkDoesNotRetry(bool withHandler)
    {
        _server.Enqueue(FakeHttpReply.Error(429, AnthropicWireFormat.Error("rate_limit_error", "Slow down."), retryAfter: "7"));
        _server.DefaultReply = FakeHttpReply.Json(AnthropicWireFormat.Message("a hidden retry would get this"));
        using var client = CreateClient(withHandler);

        var error = await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.IsType<AnthropicRateLimitException>(error.InnerException);
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(TimeSpan.FromSeconds(7), retryAfter);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(529)]
    public async Task GetResponseAsync_ServerError_ThrowsWithStatusAndSdkDoesNotRetry(int code)
    {
        _server.Enqueue(FakeHttpReply.Error(code, AnthropicWireFormat.Error(code == 529 ? "overloaded_error" : "api_error", "Boom.")));
        _server.DefaultReply = FakeHttpReply.Json(AnthropicWireFormat.Message("a hidden retry would get this"));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ModelHttpException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal((HttpStatusCode)code, status);
        Assert.Null(retryAfter);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_429BeforeFirstEvent_ThrowsModelHttpExceptionWithHint()
    {
        _server.Enqueue(FakeHttpReply.Error(429, AnthropicWireFormat.Error("rate_limit_error", "Slow down."), retryAfter: "3"));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ModelHttpException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                Assert.Fail("No update was expected, got " + update);
            }
        });

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OverloadedErrorEventMidStream_StatusIs529()
    {
        _server.Enqueue(FakeHttpReply.Sse(AnthropicWireFormat.StreamThenError("overloaded_error", "Overloaded")));
        using var client = CreateClient();

        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                _ = update;
            }
        });

        Assert.NotNull(error);
        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out _), error.ToString());
        Assert.Equal(ProviderErrors.AnthropicOverloaded, status);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionRefused_IsTransportErrorWithoutStatus()
    {
        var env = new Dictionary<string, string>
        {
            ["ANTHROPIC_API_KEY"] = "sk",
            ["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{FakeHttpServer.FreePort()}",
        };
        using var client = ModelFactory.Create("anthropic:m", new ModelFactoryOptions { GetEnvironmentVariable = n => env.GetValueOrDefault(n), HttpHandler = new SocketsHttpHandler() });

        var error = await Record.ExceptionAsync(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.NotNull(error);
        Assert.False(ProviderErrors.TryGetStatus(error, out _, out _), error.ToString());
        Assert.True(ProviderErrors.TryGetTransportError(error, out var transport), error.ToString());
        Assert.Equal(HttpRequestError.ConnectionError, transport);
    }

    [Fact]
    public async Task GetResponseAsync_ServerNeverAnswers_CancelledByToken()
    {
        _server.Enqueue(FakeHttpReply.NeverAnswer());
        using var client = CreateClient();
        using var cts = new CancellationTokenSource();

        var call = client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cts.Token);
        await _server.WaitForRequestAsync(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Cancellation took {clock.Elapsed}.");
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_MalformedJsonWith200_Throws()
    {
        _server.Enqueue(FakeHttpReply.Json("""{"id":"msg_1","type":"message","content":[{"type":"text","text":"trunc"""));
        using var client = CreateClient();

        var error = await Record.ExceptionAsync(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        // Both SDKs surface the parse failure; a silently empty ChatResponse would be the bug.
        Assert.IsAssignableFrom<JsonException>(error);
        Assert.Single(_server.Requests);
    }

    private IChatClient CreateClient(bool withHandler = true)
    {
        var env = new Dictionary<string, string>
        {
            ["ANTHROPIC_API_KEY"] = "sk-ant-test",
            ["ANTHROPIC_BASE_URL"] = _server.BaseUrl.ToString(),
        };
        var options = new ModelFactoryOptions
        {
            GetEnvironmentVariable = name => env.GetValueOrDefault(name),
            HttpHandler = withHandler ? new SocketsHttpHandler() : null,
        };
        return ModelFactory.Create("anthropic:claude-test", options);
    }
}
