using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Nines.Agents;
using Nines.Contracts;
using Nines.Evals;
using static Nines.Tests.Agents.AgentTestChatClient;

namespace Nines.Tests.Agents;

public sealed class AgentRunnerTests
{
    // Not a speed limit: if the timeout on the fake clock broke, these tests would wait forever; this turns that into a failure.
    private static readonly TimeSpan _hangGuard = TimeSpan.FromMinutes(2);

    private static ChatMessage[] Ask => [new(ChatRole.User, "What is the weather in Oslo?")];

    [Fact]
    public async Task RunAsync_ToolThenValidAnswer_CompletesWithTypedValueAndToolRecord()
    {
        var client = Scripted(Call("weather", new { city = "Oslo" }), Text("""{"city":"Oslo","celsius":4}"""));
        var weather = AIFunctionFactory.Create((string city) => $"{city}: 4 C", "weather");

        var result = await new AgentRunner(client).RunAsync<WeatherReport>(Ask, [weather]);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        Assert.True(result.IsCompleted);
        Assert.Equal("Oslo", result.Value!.City);
        Assert.Equal(4, result.Value.Celsius);
        var call = Assert.Single(result.ToolCalls);
        Assert.Equal("weather", call.Name);
        Assert.Equal("""{"city":"Oslo"}""", call.Arguments);
        Assert.True(call.Succeeded);
        Assert.Equal(1, call.Attempts);
        Assert.Equal(2, result.Iterations);
        Assert.Equal(20, result.Usage.TotalTokenCount);
        var seen = Assert.Single(ResultsSeen(client.Calls[1].Messages));
        Assert.Contains("Oslo: 4 C", seen.Result?.ToString(), StringComparison.Ordinal);
        Assert.NotNull(client.Calls[0].Options?.ResponseFormat);
        Assert.Single(client.Calls[0].Options!.Tools!);
    }

    [Fact]
    public async Task RunAsync_TextOverload_ReturnsReplyText()
    {
        var client = Scripted(Text("It is 4 C in Oslo."));

        var result = await new AgentRunner(client).RunAsync(Ask, []);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        Assert.Equal("It is 4 C in Oslo.", result.Value);
        Assert.Null(client.Calls[0].Options!.ResponseFormat);
    }

    [Fact]
    public async Task RunAsync_ModelNeverStopsCallingTools_StopsWithMaxIterationsWithoutRunningLastCalls()
    {
        var client = Scripted(i => Call("weather", new { city = $"city-{i}" })(i));
        var runs = 0;
        var weather = AIFunctionFactory.Create((string city) => ++runs, "weather");

        var result = await new AgentRunner(client, new AgentRunOptions { MaxIterations = 3 }).RunAsync<WeatherReport>(Ask, [weather]);

        Assert.Equal(AgentStopReason.MaxIterations, result.StopReason);
        Assert.False(result.IsCompleted);
        Assert.Null(result.Value);
        Assert.Equal(3, result.Iterations);
        Assert.Equal(3, client.Calls.Count);
        Assert.Equal(2, runs);
        Assert.Contains("MaxIterations", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TokensPassBudget_StopsWithTokenBudgetExceededBeforeRunningTools()
    {
        var client = Scripted(i => Call("weather", new { city = $"city-{i}" }, tokens: 100)(i));
        var runs = 0;
        var weather = AIFunctionFactory.Create((string city) => ++runs, "weather");

        var result = await new AgentRunner(client, new AgentRunOptions { MaxTotalTokens = 150 }).RunAsync<WeatherReport>(Ask, [weather]);

        Assert.Equal(AgentStopReason.TokenBudgetExceeded, result.StopReason);
        Assert.Equal(2, result.Iterations);
        Assert.Equal(1, runs);
        Assert.Equal(200, result.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task RunAsync_CostPassesBudget_StopsWithCostBudgetExceeded()
    {
        // 1,000,000 tokens per call at $1 per million input and output tokens: $1 per call.
        var client = Scripted(i => Call("weather", new { city = $"city-{i}" }, tokens: 1_000_000, model: "m")(i));
        var weather = AIFunctionFactory.Create((string city) => "4 C", "weather");
        var options = new AgentRunOptions { MaxCost = 2.5m, MaxIterations = 10 };
        options.Prices["m"] = new ModelPrice(1m, 1m);

        var result = await new AgentRunner(client, options).RunAsync<WeatherReport>(Ask, [weather]);

        Assert.Equal(AgentStopReason.CostBudgetExceeded, result.StopReason);
        Assert.Equal(3, result.Iterations);
        Assert.Equal(3m, result.Cost);
        Assert.Equal(2, result.ToolCalls.Count);
    }

    [Fact]
    public async Task RunAsync_CostBudgetAndUnpricedModel_Throws()
    {
        var client = Scripted(Text("""{"city":"Oslo","celsius":4}""", model: "unknown"));
        var options = new AgentRunOptions { MaxCost = 1m };
        options.Prices["m"] = new ModelPrice(1m, 1m);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new AgentRunner(client, options).RunAsync<WeatherReport>(Ask, []));

        Assert.Contains("'unknown'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SameCallRepeatedWithReorderedArguments_StopsWithRepeatedToolCall()
    {
        var first = new Dictionary<string, object?> { ["city"] = "Oslo", ["unit"] = "C" };
        var reordered = new Dictionary<string, object?> { ["unit"] = "C", ["city"] = "Oslo" };
        var client = Scripted(Call("weather", first), Call("weather", reordered), Call("weather", first));
        var runs = 0;
        var weather = AIFunctionFactory.Create((string city, string unit) => ++runs, "weather");

        var result = await new AgentRunner(client, new AgentRunOptions { MaxIdenticalToolCalls = 2 }).RunAsync<WeatherReport>(Ask, [weather]);

        Assert.Equal(AgentStopReason.RepeatedToolCall, result.StopReason);
        Assert.Equal(2, runs);
        Assert.Equal(3, result.ToolCalls.Count);
        Assert.Equal(0, result.ToolCalls[2].Attempts);
        Assert.Contains("'weather'", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InvalidAnswerThenValid_ReasksWithErrorsAndCompletes()
    {
        var client = Scripted(Text("""{"city":"Oslo","celsius":400}"""), Text("""{"city":"Oslo","celsius":4}"""));

        var result = await new AgentRunner(client).RunAsync(Ask, [], new Contract<WeatherReport> { MaxAttempts = 2 });

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        Assert.Equal(4, result.Value!.Celsius);
        Assert.Equal(2, result.ContractAttempts.Count);
        Assert.False(result.ContractAttempts[0].Category == Nines.Models.FailureCategory.None);
        Assert.Contains(client.Calls[1].Messages, m => m.Role == ChatRole.User && m.Text.Contains("rejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_AnswerFailsContractEveryTime_StopsWithContractViolation()
    {
        var client = Scripted(Text("not json at all"));
        var contract = new Contract<WeatherReport> { MaxAttempts = 2 }.Require(r => r.City == "Oslo", "City must be Oslo");

        var result = await new AgentRunner(client).RunAsync(Ask, [], contract);

        Assert.Equal(AgentStopReason.ContractViolation, result.StopReason);
        Assert.Null(result.Value);
        Assert.Equal(2, result.ContractAttempts.Count);
        Assert.Equal(2, client.Calls.Count);
    }

    [Fact]
    public async Task RunAsync_CancelledDuringModelCall_StopsWithCancelled()
    {
        using var cts = new CancellationTokenSource();
        var client = new AgentTestChatClient
        {
            OnGetResponse = (_, _, token) =>
            {
                cts.Cancel();
                return Task.FromCanceled<ChatResponse>(token);
            },
        };

        var result = await new AgentRunner(client).RunAsync<WeatherReport>(Ask, [], cancellationToken: cts.Token);

        Assert.Equal(AgentStopReason.Cancelled, result.StopReason);
        Assert.Equal(1, result.Iterations);
    }

    [Fact]
    public async Task RunAsync_ToolThrows_ModelSeesStructuredErrorWithoutMessageAndRunContinues()
    {
        var client = Scripted(Call("weather", new { city = "Oslo" }), Text("""{"city":"Oslo","celsius":4}"""));
        var weather = AIFunctionFactory.Create(string (string city) => throw new InvalidOperationException("db password is hunter2"), "weather");

        var result = await new AgentRunner(client).RunAsync<WeatherReport>(Ask, [weather]);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        var call = Assert.Single(result.ToolCalls);
        Assert.False(call.Succeeded);
        Assert.StartsWith("exception:", call.Error, StringComparison.Ordinal);
        var seen = Assert.Single(ResultsSeen(client.Calls[1].Messages));
        var payload = Assert.IsType<JsonElement>(seen.Result);
        Assert.Equal("exception", payload.GetProperty("error").GetString());
        Assert.Equal("weather", payload.GetProperty("tool").GetString());
        Assert.Contains("InvalidOperationException", payload.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", payload.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ToolThrowsWithMessagesIncluded_ModelSeesMessage()
    {
        var client = Scripted(Call("weather", new { city = "Oslo" }), Text("""{"city":"Oslo","celsius":4}"""));
        var weather = AIFunctionFactory.Create(string (string city) => throw new ArgumentException("no such city"), "weather");

        await new AgentRunner(client, new AgentRunOptions { IncludeExceptionMessages = true }).RunAsync<WeatherReport>(Ask, [weather]);

        var seen = Assert.Single(ResultsSeen(client.Calls[1].Messages));
        Assert.Contains("no such city", ((JsonElement)seen.Result!).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownTool_ModelSeesUnknownToolError()
    {
        var client = Scripted(Call("forecast", new { city = "Oslo" }), Text("""{"city":"Oslo","celsius":4}"""));
        var weather = AIFunctionFactory.Create((string city) => "4 C", "weather");

        var result = await new AgentRunner(client).RunAsync<WeatherReport>(Ask, [weather]);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        Assert.Equal(0, result.ToolCalls[0].Attempts);
        var seen = Assert.Single(ResultsSeen(client.Calls[1].Messages));
        var payload = (JsonElement)seen.Result!;
        Assert.Equal("unknown_tool", payload.GetProperty("error").GetString());
        Assert.Contains("weather", payload.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ToolHangsThenSucceeds_TimesOutOnFakeClockAndRetries()
    {
        var time = new FakeTimeProvider();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        var weather = AIFunctionFactory.Create(
            (string city) =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    firstStarted.SetResult();
                    return new TaskCompletionSource<string>().Task; // Never completes and ignores cancellation.
                }

                return Task.FromResult("4 C");
            },
            "weather");
        var client = Scripted(Call("weather", new { city = "Oslo" }), Text("""{"city":"Oslo","celsius":4}"""));
        var options = new AgentRunOptions { TimeProvider = time, ToolMaxAttempts = 2, ToolRetryDelay = TimeSpan.Zero };
        options.ToolTimeouts["weather"] = TimeSpan.FromSeconds(5);

        var run = new AgentRunner(client, options).RunAsync<WeatherReport>(Ask, [weather]);
        await firstStarted.Task.WaitAsync(_hangGuard);
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.WaitAsync(_hangGuard);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        var call = Assert.Single(result.ToolCalls);
        Assert.True(call.Succeeded);
        Assert.Equal(2, call.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(5), call.Duration);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task RunAsync_ToolTimesOutOnEveryAttempt_ModelSeesTimeoutError()
    {
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var weather = AIFunctionFactory.Create(
            async (string city, CancellationToken token) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return "never";
            },
            "weather");
        var client = Scripted(Call("weather", new { city = "Oslo" }), Text("""{"city":"Oslo","celsius":4}"""));
        var options = new AgentRunOptions { TimeProvider = time, ToolTimeout = TimeSpan.FromSeconds(2) };

        var run = new AgentRunner(client, options).RunAsync<WeatherReport>(Ask, [weather]);
        await started.Task.WaitAsync(_hangGuard);
        time.Advance(TimeSpan.FromSeconds(2));
        var result = await run.WaitAsync(_hangGuard);

        Assert.Equal(AgentStopReason.Completed, result.StopReason);
        Assert.StartsWith("timeout:", result.ToolCalls[0].Error, StringComparison.Ordinal);
        var payload = (JsonElement)Assert.Single(ResultsSeen(client.Calls[1].Messages)).Result!;
        Assert.Equal("timeout", payload.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RunAsync_ToolRequiresApproval_StopsWithAnApprovalRequestAndRunsNothing()
    {
        var client = Scripted(Call("pay", new { amount = 900 }), Text("""{"city":"Oslo","celsius":4}"""));
        var runs = 0;
        var pay = new ApprovalRequiredAIFunction(AIFunctionFactory.Create((int amount) => ++runs, "pay"));

        var result = await new AgentRunner(client).RunAsync<WeatherReport>(Ask, [pay]);

        Assert.Equal(AgentStopReason.ApprovalRequired, result.StopReason);
        Assert.Equal(0, runs);
        Assert.Single(client.Calls);
        var request = Assert.Single(result.Messages[^1].Contents.OfType<ToolApprovalRequestContent>());
        Assert.Equal("call-0", Assert.IsType<FunctionCallContent>(request.ToolCall).CallId);
        Assert.DoesNotContain(result.Messages[^1].Contents, c => c is FunctionCallContent);
    }

    [Fact]
    public async Task RunAsync_HostApprovesTheRequest_ResumesRunsTheToolOnceAndTheModelSeesAPlainHistory()
    {
        var client = Scripted(Call("pay", new { amount = 900 }), Text("""{"city":"Oslo","celsius":4}"""));
        var runs = 0;
        var pay = new ApprovalRequiredAIFunction(AIFunctionFactory.Create((int amount) => { runs++; return $"paid {amount}"; }, "pay"));
        var runner = new AgentRunner(client);
        var stopped = await runner.RunAsync<WeatherReport>(Ask, [pay]);
        var request = stopped.Messages[^1].Contents.OfType<ToolApprovalRequestContent>().Single();

        var resumed = await runner.RunAsync<WeatherReport>([.. stopped.Messages, new ChatMessage(ChatRole.User, [request.CreateResponse(true, "ok")])], [pay]);

        Assert.Equal(AgentStopReason.Completed, resumed.StopReason);
        Assert.Equal(1, runs);
        Assert.Equal(2, client.Calls.Count);
        var history = client.Calls[1].Messages;
        Assert.DoesNotContain(history.SelectMany(m => m.Contents), c => c is ToolApprovalRequestContent or ToolApprovalResponseContent);
        Assert.Equal("call-0", history.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single().CallId);
        Assert.Equal("paid 900", Assert.Single(ResultsSeen(history)).Result?.ToString());
    }

    [Fact]
    public async Task RunAsync_HostRejectsTheRequest_ToolIsNotRunAndTheModelIsToldWhy()
    {
        var client = Scripted(Call("pay", new { amount = 900 }), Text("""{"city":"Oslo","celsius":4}"""));
        var runs = 0;
        var pay = new ApprovalRequiredAIFunction(AIFunctionFactory.Create((int amount) => ++runs, "pay"));
        var runner = new AgentRunner(client);
        var stopped = await runner.RunAsync<WeatherReport>(Ask, [pay]);
        var request = stopped.Messages[^1].Contents.OfType<ToolApprovalRequestContent>().Single();

        var resumed = await runner.RunAsync<WeatherReport>([.. stopped.Messages, new ChatMessage(ChatRole.User, [request.CreateResponse(false, "over the limit")])], [pay]);

        Assert.Equal(AgentStopReason.Completed, resumed.StopReason);
        Assert.Equal(0, runs);
        var payload = (JsonElement)Assert.Single(ResultsSeen(client.Calls[1].Messages)).Result!;
        Assert.Equal("rejected", payload.GetProperty("error").GetString());
        Assert.Contains("over the limit", payload.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ResumedWithoutAnAnswer_ThrowsSayingWhichRequestIsOpen()
    {
        var client = Scripted(Call("pay", new { amount = 900 }));
        var pay = new ApprovalRequiredAIFunction(AIFunctionFactory.Create((int amount) => amount, "pay"));
        var runner = new AgentRunner(client);
        var stopped = await runner.RunAsync(Ask, [pay]);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => runner.RunAsync([.. stopped.Messages], [pay]));

        Assert.Contains("waiting for approval of call-0", error.Message, StringComparison.Ordinal);
        Assert.Single(client.Calls);
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var options = new AgentRunOptions
        {
            MaxIterations = 0,
            MaxTotalTokens = 0,
            MaxCost = 1m,
            MaxIdenticalToolCalls = 0,
            ToolTimeout = TimeSpan.Zero,
            ToolMaxAttempts = 0,
            ToolRetryDelay = TimeSpan.FromSeconds(-1),
        };

        var error = Assert.Throws<ArgumentException>(() => new AgentRunner(Scripted(Text("x")), options));

        foreach (var name in new[] { "MaxIterations", "MaxTotalTokens", "no price", "MaxIdenticalToolCalls", "ToolTimeout", "ToolMaxAttempts", "ToolRetryDelay" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Constructor_OptionsChangedAfterwards_RunnerKeepsSnapshot()
    {
        var options = new AgentRunOptions { MaxIterations = 1 };
        var client = Scripted(i => Call("weather", new { city = $"c{i}" })(i));
        var runner = new AgentRunner(client, options);
        options.MaxIterations = 5;

        var result = await runner.RunAsync<WeatherReport>(Ask, [AIFunctionFactory.Create((string city) => "4 C", "weather")]);

        Assert.Equal(1, result.Iterations);
    }
}
