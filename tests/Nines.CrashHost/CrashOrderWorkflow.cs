using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using Nines.Workflows;

namespace Nines.CrashHost;

/// <summary>
/// An order: a model call, two plain steps, a durable sleep, a payment through the fake payment service (with the
/// effect's idempotency key) and a confirmation. Every body records that it began, so the tests can count executions.
/// </summary>
[Workflow(Name)]
internal sealed class CrashOrderWorkflow(StepRecorder recorder, IChatClient model, HttpClient http, Uri paymentUrl, TimeSpan stepWork)
    : IWorkflow<OrderInput, OrderResult>
{
    public const string Name = "crash-order";

    public async Task<OrderResult> RunAsync(WorkflowContext context, OrderInput input)
    {
        var runId = context.RunId;
        var summary = await context.StepAsync("draft", async ct =>
        {
            await recorder.BeginAsync(runId, "draft", ct);
            var response = await model.GetResponseAsync($"Summarise order {input.OrderId} for {input.Amount} EUR in one line.", cancellationToken: ct);
            return response.Text;
        });

        var amount = await context.StepAsync("price", async ct =>
        {
            await recorder.BeginAsync(runId, "price", ct);
            await Task.Delay(stepWork, ct);
            return input.Amount;
        });

        await context.StepAsync("check", async ct =>
        {
            await recorder.BeginAsync(runId, "check", ct);
            await Task.Delay(stepWork, ct);
            return amount > 0;
        });

        await context.SleepAsync(TimeSpan.FromMilliseconds(20), "cool-off");

        var receipt = await context.EffectAsync("pay", async (key, ct) =>
        {
            await recorder.BeginAsync(runId, "pay", ct);
            using var response = await http.PostAsJsonAsync(new Uri(paymentUrl, "pay"), new { key, runId, amount }, ct);
            response.EnsureSuccessStatusCode();
            var paid = await response.Content.ReadFromJsonAsync<PaymentReceipt>(ct)
                ?? throw new InvalidOperationException($"The payment service answered {runId}'s payment with an empty body.");
            return paid.Receipt;
        });

        var confirmedBy = await context.StepAsync("confirm", async ct =>
        {
            await recorder.BeginAsync(runId, "confirm", ct);
            await Task.Delay(stepWork, ct);
            return ExecutionLog.Pid.ToString(CultureInfo.InvariantCulture);
        });

        return new OrderResult(input.OrderId, amount, receipt, summary.Length, confirmedBy);
    }
}
