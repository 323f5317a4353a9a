using Nines.Chaos;

namespace Nines.Tests.Chaos;

public sealed class ChaosProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nines-chaos-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("none", 0.0)]
    [InlineData("flaky-provider", 0.14)]
    [InlineData("bad-json", 0.35)]
    [InlineData("outage", 1.0)]
    [InlineData("rate-limited", 0.30)]
    public void Load_BuiltIn_HasExpectedTotalRate(string name, double total)
    {
        var profile = ChaosProfile.Load(name);

        Assert.Equal(name, profile.Name);
        Assert.Equal(total, profile.TotalRate, 1e-6);
        Assert.Contains(name, ChaosProfile.BuiltInNames);
    }

    [Fact]
    public void FlakyProvider_BadCallRate_IsBetween5And15Percent()
    {
        var profile = ChaosProfile.FlakyProvider;

        var bad = profile.TotalRate - profile.Rates[ChaosFaultKind.Latency];

        Assert.InRange(bad, 0.05, 0.15);
        Assert.True(profile.Rates[ChaosFaultKind.RateLimit] > 0);
    }

    [Fact]
    public void Load_GoodFile_ReadsAllSettings()
    {
        var path = Write("""
            {
              // comments and trailing commas are allowed
              "name": "game-day",
              "seed": 7,
              "faults": {
                "rateLimit": { "rate": 0.05, "retryAfterSeconds": 3 },
                "latency": { "rate": 0.1, "delaySeconds": 0.5 },
                "serverError": 0.03,
                "wrongAnswer": 0.02,
              },
              "window": { "fromCall": 100, "calls": 50 }
            }
            """);

        var profile = ChaosProfile.Load(path);

        Assert.Equal("game-day", profile.Name);
        Assert.Equal(7, profile.Seed);
        Assert.Equal(0.05, profile.Rates[ChaosFaultKind.RateLimit]);
        Assert.Equal(TimeSpan.FromSeconds(3), profile.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(500), profile.Latency);
        Assert.Equal(0.03, profile.Rates[ChaosFaultKind.ServerError]);
        Assert.Equal(0.02, profile.Rates[ChaosFaultKind.WrongAnswer]);
        Assert.Equal(100, profile.ActiveFromCall);
        Assert.Equal(50, profile.ActiveCalls);
    }

    [Theory]
    [InlineData("""{ "faults": { "gremlins": 0.1 } }""", "$.faults.gremlins", "unknown fault 'gremlins'")]
    [InlineData("""{ "faults": { "serverError": 1.5 } }""", "$.faults.serverError", "number from 0 to 1")]
    [InlineData("""{ "faults": { "rateLimit": { "rate": -0.1 } } }""", "$.faults.rateLimit.rate", "number from 0 to 1")]
    [InlineData("""{ "faults": { "rateLimit": { "retryAfterSeconds": 2 } } }""", "$.faults.rateLimit.rate", "missing")]
    [InlineData("""{ "faults": { "hang": { "rate": 0.1, "delaySeconds": 2 } } }""", "$.faults.hang.delaySeconds", "unknown setting")]
    [InlineData("""{ "faults": { "serverError": 0.6, "refusal": 0.6 } }""", "$.faults", "sum to 1.2")]
    [InlineData("""{ "seed": "seven" }""", "$.seed", "whole number")]
    [InlineData("""{ "colour": "red" }""", "$.colour", "unknown property")]
    [InlineData("""{ "window": { "fromCall": 0 } }""", "$.window.fromCall", "at least 1")]
    [InlineData("""[1, 2]""", "$", "expected an object")]
    [InlineData("""{ "faults": { "serverError": 0.1 """, "line", "not valid JSON")]
    public void Load_BadFile_MessageNamesFilePathAndExpectation(string json, string path, string expected)
    {
        var file = Write(json);

        var ex = Assert.Throws<FormatException>(() => ChaosProfile.Load(file));

        Assert.Contains(Path.GetFileName(file), ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ListsBuiltIns()
    {
        var missing = Path.Combine(_dir, "nope.json");

        var ex = Assert.Throws<FileNotFoundException>(() => ChaosProfile.Load(missing));

        Assert.Contains("nope.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("flaky-provider", ex.Message, StringComparison.Ordinal);
    }
}
