using System.Collections.Concurrent;
using Nines.Workflows;

namespace Nines.Tests.Workflows;

/// <summary>Counts how often each named thing ran, shared across executions of a workflow.</summary>
internal sealed class Probe
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public TaskCompletionSource Gate { get; set; } = CompletedGate();

    public Action<string>? OnRun { get; set; }

    public int this[string name] => _counts.GetValueOrDefault(name);

    public void Hit(string name)
    {
        _counts.AddOrUpdate(name, 1, (_, n) => n + 1);
        OnRun?.Invoke(name);
    }

    public static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}

public sealed record OrderInput(string Customer, decimal Amount);

public sealed record OrderResult(string Summary, string PaymentId, int Attempt);

[Workflow("three-steps")]
internal sealed class ThreeSteps(Probe probe) : IWorkflow<OrderInput, OrderResult>
{
    public async Task<OrderResult> RunAsync(WorkflowContext context, OrderInput input)
    {
        var summary = await context.StepAsync("summarise", _ =>
        {
            probe.Hit("summarise");
            return Task.FromResult($"{input.Customer}:{input.Amount}");
        });
        var attempt = await context.StepAsync("check", async ct =>
        {
            probe.Hit("check");
            await probe.Gate.Task.WaitAsync(ct);
            return 7;
        });
        var payment = await context.EffectAsync("pay", (key, _) =>
        {
            probe.Hit("pay");
            probe.Hit("key:" + key);
            return Task.FromResult("pay-" + key);
        });
        return new OrderResult(summary, payment, attempt);
    }
}

[Workflow("pay-once")]
internal sealed class PayOnce(Probe probe, Func<string, CancellationToken, Task<EffectLookup<string>>>? reconcile) : IWorkflow<string, string>
{
    public async Task<string> RunAsync(WorkflowContext context, string input) =>
        await context.EffectAsync("pay", async (key, ct) =>
        {
            probe.Hit("pay");
            probe.Hit("key:" + key);
            await probe.Gate.Task.WaitAsync(ct);
            return "receipt-" + key;
        }, reconcile);
}

[Workflow("sleeper")]
internal sealed class Sleeper(Probe probe) : IWorkflow<int, string>
{
    public async Task<string> RunAsync(WorkflowContext context, int hours)
    {
        var before = context.UtcNow;
        var guid = context.NewGuid();
        var draw = context.Random.Next(1_000_000);
        await context.StepAsync("before", _ => { probe.Hit("before"); return Task.FromResult(1); });
        await context.SleepAsync(TimeSpan.FromHours(hours));
        await context.StepAsync("after", _ => { probe.Hit("after"); return Task.FromResult(2); });
        var after = context.UtcNow;
        return $"{before:O}|{guid}|{draw}|{(after - before).TotalHours}";
    }
}

public sealed record Approval(string By, bool Approved);

[Workflow("approval")]
internal sealed class ApprovalFlow(Probe probe) : IWorkflow<TimeSpan?, string>
{
    public async Task<string> RunAsync(WorkflowContext context, TimeSpan? timeout)
    {
        await context.StepAsync("prepare", _ => { probe.Hit("prepare"); return Task.FromResult(0); });
        try
        {
            var first = await context.WaitForSignalAsync<Approval>("approval", timeout);
            var second = await context.WaitForSignalAsync<Approval>("approval", timeout);
            return $"{first.By},{second.By}";
        }
        catch (WorkflowSignalTimeoutException)
        {
            return "timed out";
        }
    }
}

[Workflow("child")]
internal sealed class ChildFlow(Probe probe) : IWorkflow<int, int>
{
    public async Task<int> RunAsync(WorkflowContext context, int input) =>
        await context.StepAsync("square", _ => { probe.Hit("square"); return Task.FromResult(input * input); });
}

[Workflow("parent")]
internal sealed class ParentFlow(Probe probe) : IWorkflow<int, int>
{
    public async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var a = await context.RunChildAsync<ChildFlow, int, int>(input);
        var b = await context.RunChildAsync<ChildFlow, int, int>(input + 1, "second-child");
        probe.Hit("parent-end");
        return a + b;
    }
}

[Workflow("fan-out")]
internal sealed class FanOut(Probe probe, double minRatio) : IWorkflow<int[], int>
{
    public async Task<int> RunAsync(WorkflowContext context, int[] items)
    {
        var result = await context.MapAsync("square-all", items, async (item, ct) =>
        {
            probe.Hit("item:" + item);
            await probe.Gate.Task.WaitAsync(ct);
            return item < 0 ? throw new InvalidOperationException($"negative item {item}") : item * item;
        }, new MapOptions { MaxConcurrency = 2, MinSuccessRatio = minRatio });
        return result.Values.Sum();
    }
}
