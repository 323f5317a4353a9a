using Microsoft.Extensions.AI;
using Nines.Consensus;

namespace Nines.Tests.Consensus;

/// <summary>
/// The voting engine against closed-form reliability: a seeded fake model answers right with probability p and otherwise
/// gives the single wrong answer, so the two-outcome formulas hold exactly.
/// </summary>
public sealed class VoteStatisticsTests
{
    internal const int Trials = 4000;

    // First-to-ahead-by-k is the gambler's ruin: P(right wins) = 1 / (1 + ((1−p)/p)^k) (MAKER, Meyerson et al. 2025, eq. for
    // per-step success). Standard error of the empirical rate over 4000 trials: sqrt(P(1−P)/4000), e.g. 0.0057 for
    // p = 0.7, k = 2 (P = 0.8448) and 0.0019 for p = 0.8, k = 3 (P = 0.9846). We accept within 4 standard errors, which a
    // correct engine fails with probability about 6e-5 per case; the seed is fixed, so the outcome is also repeatable.
    [Theory]
    [InlineData(0.7, 2, 11)]
    [InlineData(0.8, 3, 12)]
    [InlineData(0.6, 4, 13)]
    public async Task AheadByK_EmpiricalSuccess_MatchesGamblersRuin(double p, int k, int seed)
    {
        var expected = 1 / (1 + Math.Pow((1 - p) / p, k));

        var rate = await SuccessRateAsync(p, seed, new ConsensusOptions { K = k, MaxParallelism = 1, MaxSamples = 10_000 });

        var standardError = Math.Sqrt(expected * (1 - expected) / Trials);
        Assert.InRange(rate, expected - (4 * standardError), expected + (4 * standardError));
    }

    // Majority of n (odd) with two outcomes: P = Σ_{j > n/2} C(n, j) p^j (1−p)^(n−j). For n = 5, p = 0.6: 0.68256; for
    // n = 7, p = 0.7: 0.873964. Same 4-standard-error acceptance as above.
    [Theory]
    [InlineData(0.6, 5, 21)]
    [InlineData(0.7, 7, 22)]
    public async Task Majority_EmpiricalSuccess_MatchesBinomial(double p, int n, int seed)
    {
        var expected = 0.0;
        for (var j = (n / 2) + 1; j <= n; j++)
        {
            expected += Binomial(n, j) * Math.Pow(p, j) * Math.Pow(1 - p, n - j);
        }

        var rate = await SuccessRateAsync(p, seed, new ConsensusOptions { Mode = ConsensusMode.Majority, Samples = n, MaxParallelism = 1, MaxSamples = n });

        var standardError = Math.Sqrt(expected * (1 - expected) / Trials);
        Assert.InRange(rate, expected - (4 * standardError), expected + (4 * standardError));
    }

    [Fact]
    public async Task AheadByK_Voting_BeatsASingleSample()
    {
        // p = 0.7 alone is 0.7; ahead-by-3 lifts it to 1 / (1 + (3/7)^3) = 0.927.
        var rate = await SuccessRateAsync(0.7, 31, new ConsensusOptions { K = 3, MaxParallelism = 1, MaxSamples = 10_000 });

        Assert.True(rate > 0.9, $"rate {rate}");
    }

    private static async Task<double> SuccessRateAsync(double p, int seed, ConsensusOptions options)
    {
        var random = new Random(seed);
        var right = new ChatResponse(new ChatMessage(ChatRole.Assistant, "42"));
        var wrong = new ChatResponse(new ChatMessage(ChatRole.Assistant, "41"));
        var model = new ConsensusTestChatClient { OnGetResponse = (_, _, _) => random.NextDouble() < p ? Clone(right) : Clone(wrong) };
        using var client = model.AsBuilder().UseConsensus(o =>
        {
            o.Mode = options.Mode;
            o.K = options.K;
            o.Samples = options.Samples;
            o.MaxSamples = options.MaxSamples;
            o.MaxParallelism = options.MaxParallelism;
        }).Build();

        var successes = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var response = await client.GetResponseAsync("What is six times seven?");
            if (response.Text == "42")
            {
                successes++;
            }
        }

        return successes / (double)Trials;
    }

    private static ChatResponse Clone(ChatResponse response) => new(new ChatMessage(ChatRole.Assistant, response.Text));

    private static double Binomial(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
