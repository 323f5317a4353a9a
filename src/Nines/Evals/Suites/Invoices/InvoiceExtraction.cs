using Microsoft.Extensions.AI;
using Nines.Consensus;
using Nines.Contracts;
using Nines.Models;
using Nines.Simulation;

namespace Nines.Evals.Suites.Invoices;

/// <summary>
/// The two ways of extracting an invoice that the <c>invoices</c> suite and <c>nines demo</c> compare: one bare call, and
/// the hardened pipeline (a contract with the invoice's arithmetic and first-to-ahead-by-k voting over a resilient client).
/// </summary>
internal static class InvoiceExtraction
{
    /// <summary>The contract the hardened pipeline enforces and the scorer grades with: the schema, DataAnnotations and the invoice's semantics.</summary>
    internal static Contract<Invoice> CreateContract() => new Contract<Invoice>()
        .Require(i => i.Lines.All(l => l.Amount == l.Quantity * l.UnitPrice), "every line's amount must equal quantity × unitPrice")
        .Require(i => i.Lines.Sum(l => l.Amount) == i.Total, "the line amounts must add up to the total")
        .Require(i => InvoiceScenario.KnownCurrencies.Contains(i.Currency), "currency must be one of " + string.Join(", ", InvoiceScenario.KnownCurrencies))
        .Require(i => DateOnly.TryParseExact(i.Date, "yyyy-MM-dd", out _), "date must be a real calendar date in yyyy-MM-dd");

    /// <summary>Adds the hardened pipeline's resilience layer (retries, timeouts, breaker) on <paramref name="time"/>.</summary>
    /// <remarks>Recommended order, outermost first: contracts and consensus (VoteAsync with the contract) → resilience → chaos → model.</remarks>
    internal static ChatClientBuilder UseInvoiceResilience(this ChatClientBuilder builder, TimeProvider time, int seed) =>
        builder.UseResilience(o =>
        {
            o.TimeProvider = time;
            o.Seed = seed;
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.TotalTimeout = TimeSpan.FromMinutes(5);
            o.MaxRetryAttempts = 6;

            // Many samples may be in flight at once; judge the provider on a larger window than the default.
            o.BreakerMinimumThroughput = 100;
        });

    /// <summary>One bare call: the reply as it came back, for the caller to act on.</summary>
    /// <exception cref="TimeoutException">No reply within <see cref="BareCall.Deadline"/> on <paramref name="time"/>.</exception>
    internal static Task<ChatResponse> BareAsync(
        IChatClient client, InvoiceScenario scenario, InvoiceCase task, Contract<Invoice> contract, TimeProvider time, CancellationToken cancellationToken) =>
        BareCall.GetResponseAsync(
            client, InvoiceScenario.Prompt(task), new ChatOptions { ResponseFormat = contract.ResponseFormat }.WithSimulationOracle(scenario), time, cancellationToken);

    /// <summary>The hardened pipeline's answer: the invoice that first got <paramref name="k"/> votes ahead among samples that pass the contract.</summary>
    /// <exception cref="NoConsensusException">No invoice got ahead by <paramref name="k"/> within the sample budget.</exception>
    internal static async Task<Invoice> HardenedAsync(
        IChatClient client, InvoiceScenario scenario, InvoiceCase task, Contract<Invoice> contract, int k, int maxParallelism, CancellationToken cancellationToken)
    {
        var options = new ChatOptions().WithSimulationOracle(scenario);
        var consensus = new ConsensusOptions
        {
            Mode = ConsensusMode.FirstToAheadByK,
            K = k,
            MaxSamples = (6 * k) + 4,
            MaxParallelism = maxParallelism,
        };
        var vote = await client.VoteAsync(
            [new ChatMessage(ChatRole.User, InvoiceScenario.Prompt(task))], consensus, contract, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        return vote.Winner;
    }

    /// <summary>Grades what a pipeline returned against the true invoice.</summary>
    /// <param name="output">An <see cref="Invoice"/> (the hardened pipeline's winner) or a <see cref="ChatResponse"/> (a bare reply, checked here).</param>
    /// <param name="truth">The right invoice.</param>
    /// <param name="contract">The contract that names what is wrong with a reply (format, schema, semantic rules).</param>
    /// <param name="detail">What was wrong, in words; <see langword="null"/> when right.</param>
    /// <returns><see cref="FailureCategory.None"/> when the output is the right invoice.</returns>
    internal static FailureCategory Grade(object? output, Invoice truth, Contract<Invoice> contract, out string? detail)
    {
        Invoice extracted;
        switch (output)
        {
            case Invoice invoice:
                extracted = invoice;
                break;
            case ChatResponse response:
                var check = contract.Check(response);
                if (!check.IsValid)
                {
                    detail = check.Errors.Count > 0 ? check.Errors[0] : check.Category.ToString();
                    return check.Category;
                }

                extracted = check.Value!;
                break;
            default:
                detail = $"The pipeline returned {output?.GetType().Name ?? "null"}, not an invoice or a reply.";
                return FailureCategory.Other;
        }

        detail = extracted.Difference(truth);
        return detail is null ? FailureCategory.None : FailureCategory.WrongAnswer;
    }
}
