using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Models;
using Nines.Tests.Fakes;

namespace Nines.Tests.Models;

/// <summary>The OpenAI-family providers (openai, openai-compatible, ollama) against a local server speaking Chat Completions.</summary>
public sealed class OpenAIProviderTests : IAsyncLifetime
{
    private readonly FakeHttpServer _server = new();

    public static TheoryData<string> Routes => ["openai-compatible", "openai", "ollama"];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task GetResponseAsync_Success_MapsTextFinishReasonUsageAndSendsWireRequest(string route)
    {
        _server.Enqueue(FakeHttpReply.Json(OpenAIWireFormat.Completion("Hello there", promptTokens: 11, completionTokens: 7)));
        using var client = CreateClient(route);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("Hello there", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(11, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        Assert.Equal(18, response.Usage?.TotalTokenCount);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(OpenAIWireFormat.Path, request.Path);
        Assert.Equal(ExpectedAuthorization(route), request.Header("Authorization"));
        Assert.Equal("m", request.Json["model"]!.GetValue<string>());
        Assert.Equal("user", request.Json["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("hi", request.Json["messages"]![0]!["content"]!.ToString());

        var note = Assert.Single(LayerTrace.Get(response));
        Assert.Equal("provider", note.Layer);
        Assert.Contains(route, note.Note, StringComparison.Ordinal);
        Assert.Contains("model m", note.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_JsonSchemaFormat_SendsResponseFormatJsonSchema()
    {
        _server.Enqueue(FakeHttpReply.Json(OpenAIWireFormat.Completion("""{"total":42}""")));
        using var client = CreateClient("openai-compatible");
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"total":{"type":"number"}},"required":["total"]}""");

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "extract")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "invoice", "An invoice total.") });

        Assert.Equal("""{"total":42}""", response.Text);
        var format = Assert.Single(_server.Requests).Json["response_format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        Assert.Equal("invoice", format["json_schema"]!["name"]!.GetValue<string>());
        Assert.Equal("number", format["json_schema"]!["schema"]!["properties"]!["total"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetResponseAsync_ToolCall_SendsToolsAndParsesFunctionCall()
    {
        _server.Enqueue(FakeHttpReply.Json(OpenAIWireFormat.ToolCall("call_1", "get_weather", """{"city":"Paris","days":3}""")));
        using var client = CreateClient("openai-compatible");
        var tool = AIFunctionFactory.Create((string city, int days) => "sunny", "get_weather", "Gets the weather.");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")], new ChatOptions { Tools = [tool] });

        var sentTool = Assert.Single(_server.Requests).Json["tools"]![0]!;
        Assert.Equal("function", sentTool["type"]!.GetValue<string>());
        Assert.Equal("get_weather", sentTool["function"]!["name"]!.GetValue<string>());
        Assert.NotNull(sentTool["function"]!["parameters"]!["properties"]!["city"]);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal("3", call.Arguments!["days"]?.ToString());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task GetStreamingResponseAsync_SseChunks_AssemblesTextFinishReasonAndUsage(string route)
    {
        _server.Enqueue(FakeHttpReply.Sse(OpenAIWireFormat.Stream(["Hel", "lo", " world"], promptTokens: 5, completionTokens: 3)));
        using var client = CreateClient(route);

        await ProviderAssertions.AssertStreamsHelloWorldAsync(client, _server);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task GetResponseAsync_429WithRetryAfter_ThrowsWithStatusAndHintAndSdkDoesNotRetry(string route)
    {
        _server.Enqueue(FakeHttpReply.Error(429, OpenAIWireFormat.Error("rate_limit_exceeded", "Slow down."), retryAfter: "7"));
        _server.DefaultReply = FakeHttpReply.Json(OpenAIWireFormat.Completion("a hidden retry would get this"));
        using var client = CreateClient(route);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(TimeSpan.FromSeconds(7), retryAfter);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task GetResponseAsync_ServerError_ThrowsWithStatusAndSdkDoesNotRetry(int code)
    {
        _server.Enqueue(FakeHttpReply.Error(code, OpenAIWireFormat.Error("server_error", "Boom.")));
        _server.DefaultReply = FakeHttpReply.Json(OpenAIWireFormat.Completion("a hidden retry would get this"));
        using var client = CreateClient("openai");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal((HttpStatusCode)code, status);
        Assert.Null(retryAfter);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_429BeforeFirstChunk_ThrowsWithStatusAndHint()
    {
        _server.Enqueue(FakeHttpReply.Error(429, OpenAIWireFormat.Error("rate_limit_exceeded", "Slow down."), retryAfter: "2"));
        using var client = CreateClient("openai-compatible");

        var error = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                Assert.Fail("No update was expected, got " + update);
            }
        });

        Assert.True(ProviderErrors.TryGetStatus(error, out var status, out var retryAfter));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_429WithRetryAfterMs_PrefersMilliseconds()
    {
        var reply = FakeHttpReply.Error(429, OpenAIWireFormat.Error("rate_limit_exceeded", "Slow down."), retryAfter: "9");
        reply.Headers["retry-after-ms"] = "1500";
        _server.Enqueue(reply);
        using var client = CreateClient("openai-compatible");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.True(ProviderErrors.TryGetStatus(error, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), retryAfter);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionRefused_IsTransportErrorWithoutStatus()
    {
        var port = FakeHttpServer.FreePort();
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk", ["OPENAI_BASE_URL"] = $"http://127.0.0.1:{port}/v1" };
        using var client = ModelFactory.Create("openai:m", new ModelFactoryOptions { GetEnvironmentVariable = n => env.GetValueOrDefault(n), HttpHandler = new SocketsHttpHandler() });

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
        using var client = CreateClient("openai-compatible");
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
        _server.Enqueue(FakeHttpReply.Json("""{"id":"chatcmpl-1","choices":[{"message": {"content": "trunc"""));
        using var client = CreateClient("openai-compatible");

        var error = await Record.ExceptionAsync(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        // Both SDKs surface the parse failure; a silently empty ChatResponse would be the bug.
        Assert.IsAssignableFrom<JsonException>(error);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Create_WithoutHttpHandler_UsesSdkTransportAndStillReachesBaseUrl()
    {
        _server.Enqueue(FakeHttpReply.Json(OpenAIWireFormat.Completion("ok")));
        var env = new Dictionary<string, string> { ["OPENAI_API_KEY"] = "sk-test", ["OPENAI_BASE_URL"] = new Uri(_server.BaseUrl, "v1").ToString() };
        using var client = ModelFactory.Create("openai:m", new ModelFactoryOptions { GetEnvironmentVariable = n => env.GetValueOrDefault(n) });

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("ok", response.Text);
        Assert.Equal("Bearer sk-test", Assert.Single(_server.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task Create_OpenAICompatibleWithoutKey_SendsPlaceholderKey()
    {
        _server.Enqueue(FakeHttpReply.Json(OpenAIWireFormat.Completion("ok")));
        using var client = ModelFactory.Create(
            $"openai-compatible:{_server.BaseUrl}v1#m",
            new ModelFactoryOptions { GetEnvironmentVariable = _ => null, HttpHandler = new SocketsHttpHandler() });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("Bearer no-key", Assert.Single(_server.Requests).Header("Authorization"));
    }

    private static string ExpectedAuthorization(string route) => route switch
    {
        "openai" => "Bearer sk-openai",
        "openai-compatible" => "Bearer sk-compatible",
        _ => "Bearer ollama",
    };

    private IChatClient CreateClient(string route)
    {
        var root = _server.BaseUrl.ToString().TrimEnd('/');
        var env = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-openai",
            ["OPENAI_BASE_URL"] = root + "/v1",
            ["OPENAI_COMPATIBLE_API_KEY"] = "sk-compatible",
            ["OLLAMA_HOST"] = root,
        };
        var options = new ModelFactoryOptions { GetEnvironmentVariable = name => env.GetValueOrDefault(name), HttpHandler = new SocketsHttpHandler() };
        var spec = route switch
        {
            "openai" => "openai:m",
            "openai-compatible" => $"openai-compatible:{root}/v1#m",
            _ => "ollama:m",
        };
        return ModelFactory.Create(spec, options);
    }
}
