using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Evals;
using Nines.Evals.Suites.Invoices;

namespace Nines.Tests.Evals.Suites;

public class InvoicesSuiteTests
{
    [Fact]
    public async Task Run_DefaultSettings_HardenedIsFarMoreReliableThanBaseline()
    {
        // 25 invoices × 8 trials = 200 trials per configuration on sim:good under flaky-provider.
        var suite = SuiteTrials.Create("invoices", ("cases", "25"));
        var rows = await SuiteTrials.RunAsync(suite, trials: 8);

        // Baseline: a 95%-accurate model and a provider that fails ~9% of calls lose roughly one task in eight.
        Assert.InRange(rows.SuccessRate("baseline"), 0.75, 0.95);
        var failures = rows.Failures("baseline");
        Assert.True(failures.Count >= 5, "baseline failures should span the taxonomy: " + string.Join(", ", failures.Keys));
        Assert.Contains("RateLimited", failures.Keys);
        Assert.Contains("MalformedJson", failures.Keys);
        Assert.True(failures.ContainsKey("WrongAnswer") || failures.ContainsKey("RuleViolation"));

        // Hardened: at most one failure in 200, paid for in tokens.
        Assert.True(rows.SuccessRate("hardened") >= 0.995, $"hardened success {rows.SuccessRate("hardened")}");
        long Tokens(string config) => rows.Where(r => r.Configuration == config).Sum(r => r.InputTokens + r.OutputTokens);
        Assert.True(Tokens("hardened") > 1.5 * Tokens("baseline"), $"hardened {Tokens("hardened")} tokens vs baseline {Tokens("baseline")}");
        Assert.True(rows.Sum(r => r.CostUsd ?? 0) > 0);

        // Latency is the suite's simulated clock: a simulated call takes at least its ~400 ms time to first token.
        Assert.All(rows.Where(r => r.Configuration == "baseline" && r.Passed), r => Assert.True(r.LatencyMs >= 300, $"{r.LatencyMs} ms"));
    }

    [Fact]
    public async Task Run_SameSeedTwice_SameOutcomes()
    {
        // A slow clock (10x) so a busy machine cannot turn a 30 s simulated attempt timeout into a spurious one.
        (string, string)[] arguments = [("cases", "6"), ("speedup", "10")];
        var first = await SuiteTrials.RunAsync(SuiteTrials.Create("invoices", arguments), trials: 3);
        var second = await SuiteTrials.RunAsync(SuiteTrials.Create("invoices", arguments), trials: 3);

        Assert.Equal(36, first.Count);
        Assert.Equal(
            first.Select(r => (r.Configuration, r.CaseId, r.Trial, r.Passed, r.FailureCategory, r.InputTokens, r.OutputTokens)),
            second.Select(r => (r.Configuration, r.CaseId, r.Trial, r.Passed, r.FailureCategory, r.InputTokens, r.OutputTokens)));
    }

    [Fact]
    public void Score_BareReplies_NameWhatIsWrong()
    {
        var suite = SuiteTrials.Create("invoices", ("cases", "3"));
        var evalCase = suite.Cases[0];
        var truth = (Invoice)evalCase.Expected!;
        var context = new EvalTrialContext(suite.Name, suite.Configurations[0], evalCase, 0, 1);
        EvalScore Score(string reply) => suite.Scorer!(evalCase, new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)), context);

        var right = JsonSerializer.Serialize(truth, InvoiceScenario.JsonOptions);
        Assert.True(Score(right).Passed);

        var badTotal = JsonSerializer.Deserialize<Invoice>(right, InvoiceScenario.JsonOptions)!;
        badTotal.Total += 10;
        Assert.Equal("RuleViolation", Score(JsonSerializer.Serialize(badTotal, InvoiceScenario.JsonOptions)).FailureCategory);

        var wrongDate = JsonSerializer.Deserialize<Invoice>(right, InvoiceScenario.JsonOptions)!;
        wrongDate.Date = "2025-01-01";
        var wrong = Score(JsonSerializer.Serialize(wrongDate, InvoiceScenario.JsonOptions));
        Assert.Equal("WrongAnswer", wrong.FailureCategory);
        Assert.Contains("date", wrong.Detail, StringComparison.Ordinal);

        Assert.Equal("MalformedJson", Score(right[..^5]).FailureCategory);
        Assert.True(suite.Scorer!(evalCase, truth, context).Passed, "the hardened pipeline's typed winner is graded too");
    }

    [Theory]
    [InlineData("model", "openai:gpt-4o", "not a simulated model")]
    [InlineData("model", "sim:p=2", "--model")]
    [InlineData("chaos", "no-such-profile", "--chaos no-such-profile")]
    [InlineData("cases", "0", "--cases")]
    [InlineData("k", "0", "--k")]
    [InlineData("speedup", "0", "--speedup")]
    public void Create_BadArgument_ThrowsNamingTheOption(string option, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => SuiteTrials.Create("invoices", (option, value)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
