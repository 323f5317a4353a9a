using CsCheck;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Nines.Simulation;

namespace Nines.Tests.Simulation;

public class AccuracyDecayTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(8_000, 0.5)]
    [InlineData(16_000, 0.25)]
    [InlineData(4_000, 0.70710678118654757)]
    public void HalfLife_Multiplier_HalvesEveryHalfLife(long tokens, double expected)
    {
        Assert.Equal(expected, AccuracyDecay.HalfLife(8_000).Multiplier(tokens), 12);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(2_000, 1.0)]
    [InlineData(17_000, 0.65)]
    [InlineData(32_000, 0.3)]
    [InlineData(100_000, 0.3)]
    [InlineData(-5, 1.0)]
    public void Piecewise_Multiplier_IsLinearBetweenPointsAndFlatOutside(long tokens, double expected)
    {
        var curve = AccuracyDecay.Piecewise((2_000, 1.0), (32_000, 0.3));

        Assert.Equal(expected, curve.Multiplier(tokens), 12);
    }

    [Fact]
    public void Piecewise_ManyPoints_FollowsEachSegment()
    {
        var curve = AccuracyDecay.Piecewise((0, 1.0), (10_000, 0.8), (20_000, 0.2));

        Assert.Equal(0.9, curve.Multiplier(5_000), 12);
        Assert.Equal(0.5, curve.Multiplier(15_000), 12);
    }

    [Fact]
    public void Multiplier_AnyCurve_StaysInUnitIntervalAndNeverRisesForDecreasingPoints()
    {
        var gen = Gen.Select(Gen.Int[1, 50_000], Gen.Double[0, 1], Gen.Double[0, 1], Gen.Long[0, 200_000], Gen.Long[0, 200_000]);
        gen.Sample((halfLife, high, low, a, b) =>
        {
            var (small, large) = (Math.Min(a, b), Math.Max(a, b));
            foreach (var curve in new[] { AccuracyDecay.HalfLife(halfLife), AccuracyDecay.Piecewise((1_000, Math.Max(high, low)), (30_000, Math.Min(high, low))) })
            {
                Assert.InRange(curve.Multiplier(small), 0, 1);
                Assert.True(curve.Multiplier(large) <= curve.Multiplier(small) + 1e-12);
            }
        });
    }

    [Fact]
    public void Parse_DecaySettings_BuildTheCurveAndKeepTheNameAsWritten()
    {
        var halfLife = SimulationProfile.Parse("good,halflife=8000");
        var points = SimulationProfile.Parse("good, decay=2000:1/32000:0.3");

        Assert.Equal(AccuracyDecay.HalfLife(8_000), halfLife.AccuracyDecay);
        Assert.Equal(AccuracyDecay.Piecewise((2_000, 1.0), (32_000, 0.3)), points.AccuracyDecay);
        Assert.Equal("good,decay=2000:1/32000:0.3", points.Name);
        Assert.Equal("decay=2000:1/32000:0.3", points.AccuracyDecay!.ToString());
        Assert.Equal("halflife=8000", halfLife.AccuracyDecay!.ToString());
        Assert.Equal(0.95 * 0.65, points.AccuracyAt(17_000), 12);
        Assert.Equal(0.95, SimulationProfile.Good.AccuracyAt(1_000_000));
    }

    [Theory]
    [InlineData("good,halflife=0", "'halflife' must be a number of prompt tokens above 0")]
    [InlineData("good,halflife=8000,decay=0:1", "sets the accuracy decay twice")]
    [InlineData("good,decay=2000", "is not a point tokens:multiplier")]
    [InlineData("good,decay=2000:1/1000:0.5", "tokens must ascend")]
    [InlineData("good,decay=2000:1.5", "must be between 0 and 1")]
    [InlineData("good,decay=-1:1", "tokens must be at least 0")]
    public void Parse_BadDecay_SaysWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SimulationProfile.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(text.Split(',')[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCallsAndResults_CountAsInputTokens()
    {
        using var client = new SimulatedChatClient(SimulatedChatClientTests.Instant, new SimulationOptions { TimeProvider = new FakeTimeProvider() });
        ChatMessage[] messages =
        [
            new(ChatRole.User, "12345678"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "read", new Dictionary<string, object?> { ["page"] = 1 })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", new string('x', 4_000))]),
        ];

        var response = await client.GetResponseAsync(messages);

        // 8 / 4 = 2, ("read" + {"page":1}) = 14 characters → 4, 4,000 / 4 = 1,000.
        Assert.Equal(1_006, response.Usage!.InputTokenCount);
    }

    [Theory]
    [InlineData(0, 0.95)]
    [InlineData(8_000, 0.95 * 0.86)]
    [InlineData(17_000, 0.95 * 0.65)]
    [InlineData(40_000, 0.95 * 0.3)]
    public async Task GetResponseAsync_DecayingProfile_MeasuredAccuracyFollowsTheCurve(int promptTokens, double expected)
    {
        // n = 3,000 calls per prompt size: standard error ≤ sqrt(0.25 / 3000) ≈ 0.0091; the tolerance is 4 standard errors.
        const int Calls = 3_000;
        var profile = SimulationProfile.Parse("instant,decay=2000:1/32000:0.3");
        using var client = new SimulatedChatClient(profile, new SimulationOptions { Seed = 5, TimeProvider = new FakeTimeProvider() });
        var prompt = new ChatMessage(ChatRole.User, new string('x', Math.Max(4, promptTokens * 4)));
        var correct = 0;
        double reported = 0;
        for (var i = 0; i < Calls; i++)
        {
            var response = await client.GetResponseAsync([prompt], new ChatOptions().WithSimulatedTask(new SimulatedTask(SimulatedChatClientTests.Answer)));
            reported = (double)response.AdditionalProperties![SimulatedChatClient.AccuracyKey]!;
            if (response.Text == SimulatedChatClientTests.Answer)
            {
                correct++;
            }
        }

        var tolerance = 4 * Math.Sqrt(expected * (1 - expected) / Calls);
        Assert.Equal(expected, reported, 9);
        Assert.InRange((double)correct / Calls, expected - tolerance, expected + tolerance);
    }

    [Fact]
    public async Task GetResponseAsync_LongerPrompt_NeverCorrectWhereTheShorterOneWasWrong()
    {
        // The same draw decides both: a longer prompt only lowers the threshold (common random numbers across prompt sizes).
        var profile = SimulationProfile.Parse("instant,halflife=4000");
        var options = new ChatOptions().WithSimulatedTask(new SimulatedTask(SimulatedChatClientTests.Answer));
        using var shortClient = new SimulatedChatClient(profile, new SimulationOptions { Seed = 9, TimeProvider = new FakeTimeProvider() });
        using var longClient = new SimulatedChatClient(profile, new SimulationOptions { Seed = 9, TimeProvider = new FakeTimeProvider() });
        var shortWins = 0;
        for (var i = 0; i < 500; i++)
        {
            var shortRight = (await shortClient.GetResponseAsync([new(ChatRole.User, new string('s', 4_000))], options)).Text == SimulatedChatClientTests.Answer;
            var longRight = (await longClient.GetResponseAsync([new(ChatRole.User, new string('l', 16_000))], options)).Text == SimulatedChatClientTests.Answer;
            Assert.False(longRight && !shortRight, $"call {i}: right with the long prompt, wrong with the short one");
            shortWins += shortRight && !longRight ? 1 : 0;
        }

        Assert.True(shortWins > 100, $"{shortWins} calls right only with the short prompt");
    }
}
