using Nines.Simulation;

namespace Nines.Tests.Simulation;

public class SimulationProfileTests
{
    [Theory]
    [InlineData("perfect", 1.0)]
    [InlineData("good", 0.95)]
    [InlineData("fair", 0.90)]
    [InlineData("weak", 0.80)]
    [InlineData("coin", 0.55)]
    [InlineData("GOOD", 0.95)]
    public void Parse_BuiltInName_ReturnsAccuracy(string text, double expected)
    {
        var profile = SimulationProfile.Parse(text);

        Assert.Equal(expected, profile.Accuracy);
        Assert.Equal(text.ToLowerInvariant(), profile.Name);
    }

    [Fact]
    public void Parse_Settings_AppliesEachKey()
    {
        var profile = SimulationProfile.Parse("p=0.97, malformed=0.5, ttft=250ms, token=0.01s, jitter=0, inflation=2");

        Assert.Equal(0.97, profile.Accuracy);
        Assert.Equal(0.5, profile.MalformedJsonWeight);
        Assert.Equal(TimeSpan.FromMilliseconds(250), profile.TimeToFirstToken);
        Assert.Equal(TimeSpan.FromMilliseconds(10), profile.PerOutputToken);
        Assert.Equal(0, profile.LatencyJitter);
        Assert.Equal(2, profile.OutputTokenInflation);
        Assert.Equal("p=0.97,malformed=0.5,ttft=250ms,token=0.01s,jitter=0,inflation=2", profile.Name);
    }

    [Fact]
    public void Parse_BuiltInWithOverrides_KeepsBaseAccuracy()
    {
        var profile = SimulationProfile.Parse("weak,ttft=0");

        Assert.Equal(0.80, profile.Accuracy);
        Assert.Equal(TimeSpan.Zero, profile.TimeToFirstToken);
    }

    [Fact]
    public void Parse_UnknownName_ListsBuiltIns()
    {
        var ex = Assert.Throws<FormatException>(() => SimulationProfile.Parse("great"));

        Assert.Contains("'great'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("good", ex.Message, StringComparison.Ordinal);
        Assert.Contains("coin", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p=1.5", "between 0 and 1")]
    [InlineData("p=-0.1", "between 0 and 1")]
    [InlineData("p=abc", "must be a number")]
    [InlineData("good,speed=3", "unknown setting 'speed'")]
    [InlineData("p=0.9,wrong=0,malformed=0,truncated=0,refusal=0,empty=0", "at least one failure weight")]
    [InlineData("", "empty")]
    [InlineData("ttft=soon", "duration")]
    public void Parse_BadInput_ExplainsProblem(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => SimulationProfile.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidProfile_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SimulatedChatClient(SimulationProfile.Good with { Accuracy = 2, LatencyJitter = 3 }));

        Assert.Contains("between 0 and 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("jitter", ex.Message, StringComparison.Ordinal);
    }
}
