using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nines.Consensus;
using Nines.Contracts;
using Nines.Tools;

namespace Nines.Agents;

/// <summary>Runs a model with tools until it gives a typed final answer, or a guard stops it and says why.</summary>
/// <remarks>
/// <para>
/// The loop is driven here rather than by <see cref="FunctionInvokingChatClient"/>. That client ends a request with a
/// <see cref="ChatResponse"/>, not a reason, and its hooks (the function invoker, <c>Terminate</c>) see function calls,
/// not each response's usage, so token and cost budgets would need a second client beneath it sharing state with the
/// invoker; its iteration cap and invoker hook cover only part of what is guarded here. Owning
/// the loop keeps every guard in one place and every stop typed. Pass an <see cref="IChatClient"/> that does not itself
/// invoke functions: a <see cref="FunctionInvokingChatClient"/> below this runner would run tools past every guard.
/// </para>
/// <para>
/// Tool calls in one reply run one after another, in the order the model gave them, so runs are reproducible.
/// A tool that throws, times out, is unknown, needs approval or gets arguments that cannot be parsed never ends the loop: the model
/// receives a structured error result (<c>{"error":"timeout","tool":"…","message":"…"}</c>) and can recover.
/// </para>
/// <para>The runner is thread-safe: each call to <c>RunAsync</c> has its own state.</para>
/// </remarks>
public sealed class AgentRunner
{
    private readonly IChatClient _client;
    private readonly AgentRunOptions _options;
    private readonly ContextBudgetReducer? _contextReducer;

    /// <summary>Initializes a new instance of the <see cref="AgentRunner"/> class.</summary>
    /// <param name="client">The model to run; it should not invoke functions itself.</param>
    /// <param name="options">The guards; <see langword="null"/> means the defaults. They are copied and validated now.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public AgentRunner(IChatClient client, AgentRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = (options ?? new AgentRunOptions()).Snapshot();
        if (_options.MaxContextTokens is { } budget && _options.ContextReducer is null)
        {
            _contextReducer = new ContextBudgetReducer(budget, _options.ContextReduction, _options.TokenEstimator, _options.ContextExcerptTokens);
        }
    }

    /// <summary>Runs the agent until it answers with text, or a guard stops it.</summary>
    /// <param name="messages">The conversation so far; it is copied, never modified.</param>
    /// <param name="tools">The tools the model may call.</param>
    /// <param name="options">Chat options; they are cloned and the tools are set on the clone.</param>
    /// <param name="cancellationToken">A token to cancel the run; cancellation ends it with <see cref="AgentStopReason.Cancelled"/>.</param>
    /// <returns>The outcome; <see cref="AgentRunResult{T}.Value"/> is the final reply text when the run completed.</returns>
    public Task<AgentRunResult<string>> RunAsync(
        IEnumerable<ChatMessage> messages, IEnumerable<AITool> tools, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync<string>(messages, tools, contract: null, options, cancellationToken);

    /// <summary>Runs the agent until its final answer satisfies <paramref name="contract"/>, or a guard stops it.</summary>
    /// <typeparam name="T">The type of the final answer.</typeparam>
    /// <param name="messages">The conversation so far; it is copied, never modified.</param>
    /// <param name="tools">The tools the model may call.</param>
    /// <param name="contract">The contract for the final answer; <see langword="null"/> means the schema and DataAnnotations of <typeparamref name="T"/> only.</param>
    /// <param name="options">Chat options; they are cloned, the tools set and the response format set to the contract's schema.</param>
    /// <param name="cancellationToken">A token to cancel the run; cancellation ends it with <see cref="AgentStopReason.Cancelled"/>.</param>
    /// <returns>The outcome, with the validated answer when the run completed.</returns>
    /// <remarks>
    /// A final answer that fails the contract is sent back with its errors, as <c>AskAsync</c> does, up to
    /// <see cref="Contract{T}.MaxAttempts"/> answers; each re-ask counts as an iteration.
    /// </remarks>
    public Task<AgentRunResult<T>> RunAsync<T>(
        IEnumerable<ChatMessage> messages, IEnumerable<AITool> tools, Contract<T>? contract = null, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync(messages, tools, contract ?? new Contract<T>(), options, cancellationToken);

    private async Task<AgentRunResult<T>> RunCoreAsync<T>(
        IEnumerable<ChatMessage> messages, IEnumerable<AITool> tools, Contract<T>? contract, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(tools);

        var run = new RunState(new List<ChatMessage>(messages));
        var toolList = tools.ToList();
        var functions = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (var tool in toolList)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (tool is AIFunction function)
            {
                functions[function.Name] = function;
            }
        }

        var chatOptions = options?.Clone() ?? new ChatOptions();
        chatOptions.Tools = toolList.Count > 0 ? toolList : null;
        if (contract is not null)
        {
            chatOptions.ResponseFormat = contract.ResponseFormat;
            if (!string.IsNullOrWhiteSpace(contract.Instructions))
            {
                chatOptions.Instructions = string.IsNullOrWhiteSpace(chatOptions.Instructions)
                    ? contract.Instructions
                    : chatOptions.Instructions + Environment.NewLine + contract.Instructions;
            }
        }

        var maxAnswers = contract?.MaxAttempts ?? 1;
        var identicalCalls = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            if (TakeApprovalResponses(run.Conversation) is { } resumed
                && await RunToolCallsAsync<T>(run, resumed.Calls, functions, identicalCalls, resumed.Responses, cancellationToken).ConfigureAwait(false) is { } stopped)
            {
                return stopped;
            }

            while (true)
            {
                if (run.Iterations >= _options.MaxIterations)
                {
                    return run.Stop<T>(AgentStopReason.MaxIterations, $"The run made {run.Iterations} model calls, the MaxIterations limit, without a valid final answer.");
                }

                cancellationToken.ThrowIfCancellationRequested();
                var (prompt, overBudget) = await FitContextAsync(run, chatOptions, cancellationToken).ConfigureAwait(false);
                if (overBudget is not null)
                {
                    return run.Stop<T>(AgentStopReason.ContextBudgetExceeded, overBudget);
                }

                run.Iterations++;
                var response = await _client.GetResponseAsync(prompt, chatOptions, cancellationToken).ConfigureAwait(false);
                run.Conversation.AddRange(response.Messages);
                if (response.Usage is { } used)
                {
                    run.Usage.Add(used);
                }

                run.AddCost(response.ModelId ?? chatOptions.ModelId, response.Usage, _options);
                var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
                if (calls.Count == 0)
                {
                    // A final answer. It is judged before the budgets: its tokens are spent either way.
                    if (contract is null)
                    {
                        return run.Complete((T)(object)response.Text, "The model gave a final answer.");
                    }

                    var check = contract.Check(response);
                    run.ContractAttempts.Add(new ContractAttempt(run.ContractAttempts.Count + 1, check.RawText, check.Category, check.Errors, response.Usage));
                    if (check.IsValid)
                    {
                        return run.Complete(check.Value!, $"The model gave a final {typeof(T).Name} that satisfied the contract.");
                    }

                    if (run.ContractAttempts.Count >= maxAnswers)
                    {
                        return run.Stop<T>(
                            AgentStopReason.ContractViolation,
                            $"The final answer failed the {typeof(T).Name} contract {run.ContractAttempts.Count} times ({check.Category}: {string.Join("; ", check.Errors)}).");
                    }

                    if (OverBudget<T>(run) is { } budgetStop)
                    {
                        return budgetStop;
                    }

                    run.Conversation.Add(new ChatMessage(ChatRole.User, ReaskPrompt.Build(check.Category, check.Errors, expectJson: true)));
                    continue;
                }

                if (OverBudget<T>(run) is { } stop)
                {
                    return stop;
                }

                if (run.Iterations >= _options.MaxIterations)
                {
                    // No model call is left to read the results, so the tools are not run.
                    return run.Stop<T>(AgentStopReason.MaxIterations, $"The run made {run.Iterations} model calls, the MaxIterations limit, and the model still asked for tools.");
                }

                if (HostApprovalsNeeded(calls, functions) is { Count: > 0 } needed)
                {
                    // Tools wrapped in ApprovalRequiredAIFunction: hand the calls to the host, as FunctionInvokingChatClient does.
                    var last = run.Conversation.Count - response.Messages.Count;
                    run.Conversation.RemoveRange(last, response.Messages.Count);
                    run.Conversation.AddRange(response.Messages.Select(m => WithApprovalRequests(m, needed)));
                    return run.Stop<T>(
                        AgentStopReason.ApprovalRequired,
                        $"The model called {string.Join(", ", needed.Keys.Select(c => $"'{c.Name}' ({c.CallId})"))}, which need the host's approval. " +
                        "Add a message with each request's CreateResponse(approved, reason) to Messages and run again to continue.");
                }

                if (await RunToolCallsAsync<T>(run, calls, functions, identicalCalls, approvals: null, cancellationToken).ConfigureAwait(false) is { } repeated)
                {
                    return repeated;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return run.Stop<T>(AgentStopReason.Cancelled, $"The run was cancelled after {run.Iterations} model calls.");
        }
    }

    /// <summary>Runs one reply's tool calls in order and appends their results; returns a stop when a call repeats too often.</summary>
    private async Task<AgentRunResult<T>?> RunToolCallsAsync<T>(
        RunState run,
        IReadOnlyList<FunctionCallContent> calls,
        Dictionary<string, AIFunction> functions,
        Dictionary<string, int> identicalCalls,
        IReadOnlyDictionary<string, ToolApprovalResponseContent>? approvals,
        CancellationToken cancellationToken)
    {
        var results = new List<AIContent>(calls.Count);
        foreach (var call in calls)
        {
            var arguments = CanonicalArguments(call.Arguments);
            var key = call.Name + "\n" + arguments;
            var seen = identicalCalls.GetValueOrDefault(key) + 1;
            identicalCalls[key] = seen;
            if (seen > _options.MaxIdenticalToolCalls)
            {
                run.ToolCalls.Add(new AgentToolCall(call.CallId, call.Name, arguments, null, "repeated", TimeSpan.Zero, 0));
                return run.Stop<T>(
                    AgentStopReason.RepeatedToolCall,
                    $"The model called '{call.Name}' with the same arguments {seen} times; MaxIdenticalToolCalls is {_options.MaxIdenticalToolCalls}. Arguments: {arguments}");
            }

            var approval = approvals is not null && approvals.TryGetValue(call.CallId, out var answer) ? answer : null;
            var record = await InvokeToolAsync(call, arguments, functions, approval, cancellationToken).ConfigureAwait(false);
            run.ToolCalls.Add(record.Call);
            results.Add(record.Content);
        }

        run.Conversation.Add(new ChatMessage(ChatRole.Tool, results));
        return null;
    }

    /// <summary>The calls the host must approve: tools wrapped in <see cref="ApprovalRequiredAIFunction"/>, and guarded tools whose guard asks the host (<see cref="HostToolApprover"/>), with the guard's reason.</summary>
    private static Dictionary<FunctionCallContent, string?> HostApprovalsNeeded(List<FunctionCallContent> calls, Dictionary<string, AIFunction> functions)
    {
        var needed = new Dictionary<FunctionCallContent, string?>(ReferenceEqualityComparer.Instance);
        foreach (var call in calls)
        {
            if (call.Exception is not null || !functions.TryGetValue(call.Name, out var function))
            {
                continue;
            }

            if (function.GetService(typeof(ApprovalRequiredAIFunction)) is not null)
            {
                needed[call] = null;
            }
            else if (function.GetService(typeof(GuardedAIFunction)) is GuardedAIFunction guarded
                && guarded.NeedsHostApproval(new AIFunctionArguments(call.Arguments)) is { } reason)
            {
                needed[call] = reason;
            }
        }

        return needed;
    }

    private static ChatMessage WithApprovalRequests(ChatMessage message, Dictionary<FunctionCallContent, string?> needed)
    {
        var copy = message.Clone();
        copy.Contents = [.. message.Contents.Select(c => c is FunctionCallContent call && needed.TryGetValue(call, out var reason) ? Request(call, reason) : c)];
        return copy;

        static AIContent Request(FunctionCallContent call, string? reason)
        {
            var request = new ToolApprovalRequestContent(call.CallId, call);
            if (reason is not null)
            {
                request.AdditionalProperties = new AdditionalPropertiesDictionary { [HostToolApprover.ReasonKey] = reason };
            }

            return request;
        }
    }

    /// <summary>
    /// Finds the host's answers to an earlier <see cref="AgentStopReason.ApprovalRequired"/> stop, puts the calls back as
    /// the model made them and removes the approval contents, so the provider sees an ordinary call-and-result history.
    /// </summary>
    private static (List<FunctionCallContent> Calls, Dictionary<string, ToolApprovalResponseContent> Responses)? TakeApprovalResponses(List<ChatMessage> conversation)
    {
        var responses = conversation.SelectMany(m => m.Contents).OfType<ToolApprovalResponseContent>().ToList();
        var requestIndex = conversation.FindLastIndex(m => m.Contents.Any(c => c is ToolApprovalRequestContent));
        if (requestIndex < 0)
        {
            if (responses.Count > 0)
            {
                throw new ArgumentException(
                    "The messages hold approval responses but no approval request from an assistant message; pass the Messages of the stopped run, with the responses added.", "messages");
            }

            return null;
        }

        var requestMessage = conversation[requestIndex];
        var requests = requestMessage.Contents.OfType<ToolApprovalRequestContent>().ToList();
        var byId = responses.ToDictionary(r => r.RequestId, StringComparer.Ordinal);
        var missing = requests.Where(r => !byId.ContainsKey(r.RequestId)).Select(r => r.RequestId).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"The run is waiting for approval of {string.Join(", ", missing)}; add a message with request.CreateResponse(approved, reason) for each before running again.", "messages");
        }

        var restored = requestMessage.Clone();
        restored.Contents = [.. requestMessage.Contents.Select(c => c is ToolApprovalRequestContent { ToolCall: FunctionCallContent call } ? call : c)];
        conversation[requestIndex] = restored;
        for (var i = conversation.Count - 1; i > requestIndex; i--)
        {
            var kept = conversation[i].Contents.Where(c => c is not ToolApprovalResponseContent).ToList();
            if (kept.Count == 0)
            {
                conversation.RemoveAt(i);
            }
            else if (kept.Count != conversation[i].Contents.Count)
            {
                var trimmed = conversation[i].Clone();
                trimmed.Contents = kept;
                conversation[i] = trimmed;
            }
        }

        var calls = restored.Contents.OfType<FunctionCallContent>().ToList();
        var answered = new Dictionary<string, ToolApprovalResponseContent>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            answered[((FunctionCallContent)request.ToolCall).CallId] = byId[request.RequestId];
        }

        return (calls, answered);
    }

    /// <summary>The prompt for the next model call: the conversation, reduced to <see cref="AgentRunOptions.MaxContextTokens"/> when it is over.</summary>
    /// <returns>The prompt, or why the call must not be made (even the kept minimum is over budget).</returns>
    private async Task<(IReadOnlyList<ChatMessage> Prompt, string? OverBudget)> FitContextAsync(RunState run, ChatOptions chatOptions, CancellationToken cancellationToken)
    {
        if (_options.MaxContextTokens is not { } budget)
        {
            return (run.Conversation, null);
        }

        var estimator = _options.TokenEstimator;
        var reserved = string.IsNullOrEmpty(chatOptions.Instructions) ? 0 : estimator.EstimateTokens(new ChatMessage(ChatRole.System, chatOptions.Instructions));
        var modelCall = run.Iterations + 1;
        IReadOnlyList<ChatMessage> prompt;
        ContextReduction? reduction;
        if (_contextReducer is not null)
        {
            (prompt, reduction) = _contextReducer.Reduce(run.Conversation, reserved, modelCall);
        }
        else
        {
            (prompt, reduction) = await ReduceWithCustomAsync(run.Conversation, reserved, budget, modelCall, cancellationToken).ConfigureAwait(false);
        }

        if (reduction is null)
        {
            return (prompt, null);
        }

        run.ContextReductions.Add(reduction);
        AgentContextTelemetry.Record(reduction);
        return reduction.Fits
            ? (prompt, null)
            : (prompt, $"The prompt for model call {modelCall} is about {reduction.TokensAfter} tokens after reduction; MaxContextTokens is {budget}. " +
                (_contextReducer is not null
                    ? "What is always kept (system messages, instructions, the task and the latest turn) does not fit: raise the budget, shorten the instructions or the task, or have tools return less."
                    : "The ContextReducer's output is still over budget: raise the budget or use a reducer that removes more."));
    }

#pragma warning disable MEAI001 // IChatReducer is experimental in Microsoft.Extensions.AI; the caller opted in by setting ContextReducer.
    private async Task<(IReadOnlyList<ChatMessage> Prompt, ContextReduction? Reduction)> ReduceWithCustomAsync(
        List<ChatMessage> conversation, int reserved, int budget, int modelCall, CancellationToken cancellationToken)
    {
        var before = reserved + Estimate(conversation);
        if (before <= budget)
        {
            return (conversation, null);
        }

        var reduced = (await _options.ContextReducer!.ReduceAsync(conversation, cancellationToken).ConfigureAwait(false)).ToList();
        var after = reserved + Estimate(reduced);
        var keptResults = reduced.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet(StringComparer.Ordinal);
        var removed = conversation.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).Where(id => !keptResults.Contains(id)).ToList();

        // A custom reducer reports no details: what it removed is counted by difference.
        var reduction = new ContextReduction(
            modelCall, budget, ClampTokens(before), ClampTokens(after), 0, removed.Count, Math.Max(0, conversation.Count - reduced.Count), removed);
        return (reduced, reduction);

        long Estimate(List<ChatMessage> messages) => messages.Sum(m => (long)_options.TokenEstimator.EstimateTokens(m));
    }
#pragma warning restore MEAI001

    private static int ClampTokens(long tokens) => (int)Math.Min(int.MaxValue, tokens);

    private AgentRunResult<T>? OverBudget<T>(RunState run)
    {
        var tokens = TotalTokens(run.Usage);
        if (_options.MaxTotalTokens is { } maxTokens && tokens > maxTokens)
        {
            return run.Stop<T>(AgentStopReason.TokenBudgetExceeded, $"The run used {tokens} tokens; MaxTotalTokens is {maxTokens}.");
        }

        if (_options.MaxCost is { } maxCost && run.Cost > maxCost)
        {
            return run.Stop<T>(AgentStopReason.CostBudgetExceeded, $"The run cost ${run.Cost}; MaxCost is ${maxCost}.");
        }

        return null;
    }

    private async Task<(AgentToolCall Call, FunctionResultContent Content)> InvokeToolAsync(
        FunctionCallContent call, string arguments, Dictionary<string, AIFunction> functions, ToolApprovalResponseContent? approval, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        if (call.Exception is { } parseError)
        {
            return Failed("invalid_arguments", $"The arguments could not be parsed: {parseError.GetType().Name}. Send a JSON object that matches the tool's schema.", 0, parseError);
        }

        if (!functions.TryGetValue(call.Name, out var function))
        {
            return Failed("unknown_tool", $"There is no tool named '{call.Name}'. Available tools: {string.Join(", ", functions.Keys)}.", 0, null);
        }

        if (function.GetService(typeof(ApprovalRequiredAIFunction)) is not null)
        {
            if (approval is null)
            {
                // Only a call the host saw in an approval request can be approved; this one was not asked about.
                return Failed("approval_required", $"The tool '{call.Name}' needs the host's approval, which was not given for this call; it was not run.", 0, null);
            }

            if (!approval.Approved)
            {
                return Failed("rejected", $"The host rejected the call to '{call.Name}'" + (approval.Reason is null ? "." : $": {approval.Reason}"), 0, null);
            }
        }

        // A guarded tool gets the call id and runs its inner tool through ExecuteAsync, so the timeout and retries
        // below bound the tool itself and never a human's approval (which may be a durable wait of days).
        var invocationArguments = new AIFunctionArguments(call.Arguments);
        var attempts = 0;
        var scope = new ToolCallScope(call.CallId, (invoke, token) => ExecuteWithRetryAsync(call.Name, invoke, count => attempts = count, token))
        {
            HostDecision = approval is null ? null : new ToolApprovalDecision(approval.Approved, approval.Reason, "host"),
        };
        invocationArguments.Context = new Dictionary<object, object?> { [ToolCallScope.Key] = scope };
        var guarded = function.GetService(typeof(ToolSession)) is not null;
        try
        {
            var result = guarded
                ? await function.InvokeAsync(invocationArguments, cancellationToken).ConfigureAwait(false)
                : await scope.ExecuteAsync(token => function.InvokeAsync(invocationArguments, token), cancellationToken).ConfigureAwait(false);
            return (new AgentToolCall(call.CallId, call.Name, arguments, result, null, time.GetElapsedTime(started), attempts), new FunctionResultContent(call.CallId, result));
        }
        catch (ToolExecutionFailedException failed)
        {
            return Failed(failed.Kind, failed.Message, failed.Attempts, failed.InnerException);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The guard itself failed (for example its audit sink threw): the tool did not run.
            var message = _options.IncludeExceptionMessages
                ? $"The tool call failed with {ex.GetType().Name}: {ex.Message}"
                : $"The tool call failed with {ex.GetType().Name}.";
            return Failed("exception", message, attempts, ex);
        }

        (AgentToolCall, FunctionResultContent) Failed(string kind, string message, int attempts, Exception? exception)
        {
            var payload = new JsonObject { ["error"] = kind, ["tool"] = call.Name, ["message"] = message };
            var element = JsonSerializer.SerializeToElement(payload, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonObject)));
            var content = new FunctionResultContent(call.CallId, element) { Exception = exception };
            var record = new AgentToolCall(call.CallId, call.Name, arguments, null, $"{kind}: {message}", time.GetElapsedTime(started), attempts);
            return (record, content);
        }
    }

    /// <summary>Runs one tool call with its timeout and retries; throws <see cref="ToolExecutionFailedException"/> when every attempt failed.</summary>
    private async ValueTask<object?> ExecuteWithRetryAsync(
        string toolName, Func<CancellationToken, ValueTask<object?>> invoke, Action<int> reportAttempts, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var maxAttempts = _options.AttemptsFor(toolName);
        var timeout = _options.TimeoutFor(toolName);
        for (var attempt = 1; ; attempt++)
        {
            reportAttempts(attempt);
            string kind;
            string message;
            Exception? error;
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                // The timer starts before the tool, so a tool that ignores its token is still abandoned on time.
                var deadline = timeout == Timeout.InfiniteTimeSpan
                    ? Task.Delay(Timeout.InfiniteTimeSpan, attemptCts.Token)
                    : Task.Delay(timeout, time, attemptCts.Token);
                try
                {
                    var invocation = invoke(attemptCts.Token).AsTask();
                    var winner = await Task.WhenAny(invocation, deadline).ConfigureAwait(false);
                    if (winner == invocation)
                    {
                        return await invocation.ConfigureAwait(false);
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    kind = "timeout";
                    message = $"The tool did not finish within {timeout.TotalSeconds:0.###} s.";
                    error = new TimeoutException(message);
                    ObserveAbandoned(invocation);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    kind = "exception";
                    message = _options.IncludeExceptionMessages
                        ? $"The tool threw {ex.GetType().Name}: {ex.Message}"
                        : $"The tool threw {ex.GetType().Name}.";
                    error = ex;
                }
                finally
                {
                    await attemptCts.CancelAsync().ConfigureAwait(false);
                }
            }

            if (attempt >= maxAttempts)
            {
                throw new ToolExecutionFailedException(kind, attempt > 1 ? $"{message} Gave up after {attempt} attempts." : message, attempt, error);
            }

            if (_options.ToolRetryDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.ToolRetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void ObserveAbandoned(Task invocation) =>
        // An abandoned tool may still fail later; observe it so the failure is not reported as unobserved.
        _ = invocation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static string CanonicalArguments(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        var element = JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
        return CanonicalKey.ForJson(element);
    }

    private static long TotalTokens(UsageDetails usage) =>
        usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0));

    private sealed class RunState(List<ChatMessage> conversation)
    {
        public List<ChatMessage> Conversation { get; } = conversation;

        public List<AgentToolCall> ToolCalls { get; } = [];

        public List<ContractAttempt> ContractAttempts { get; } = [];

        public List<ContextReduction> ContextReductions { get; } = [];

        public UsageDetails Usage { get; } = new();

        public decimal? Cost { get; private set; }

        public int Iterations { get; set; }

        public void AddCost(string? model, UsageDetails? usage, AgentRunOptions options)
        {
            var price = model is not null && options.Prices.TryGetValue(model, out var listed) ? listed : options.DefaultPrice;
            if (price is null)
            {
                if (options.MaxCost is not null)
                {
                    throw new InvalidOperationException(
                        $"A response came from model '{model ?? "(none reported)"}', which has no price, and MaxCost is set; add it to AgentRunOptions.Prices or set DefaultPrice.");
                }

                return;
            }

            Cost = (Cost ?? 0) + price.Value.Cost(usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
        }

        public AgentRunResult<T> Complete<T>(T value, string detail) =>
            new(AgentStopReason.Completed, detail, value, Conversation, ToolCalls, ContractAttempts, Usage, Cost, Iterations, ContextReductions);

        public AgentRunResult<T> Stop<T>(AgentStopReason reason, string detail) =>
            new(reason, detail, default, Conversation, ToolCalls, ContractAttempts, Usage, Cost, Iterations, ContextReductions);
    }
}
