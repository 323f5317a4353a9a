using System.Globalization;
using System.Text;

namespace Nines.Simulation;

/// <summary>
/// How a simulated model behaves: how often it is right, how it fails when it is not, how many tokens it uses and
/// how long it takes.
/// </summary>
/// <remarks>
/// <para>Built-in profiles (<see cref="Parse"/> names): <c>perfect</c> (p = 1), <c>good</c> (p = 0.95), <c>fair</c> (p = 0.90),
/// <c>weak</c> (p = 0.80), <c>coin</c> (p = 0.55) and <c>instant</c> (p = 0.95 with no latency). All share the default failure mix
/// (wrong-but-valid 40%, malformed JSON 25%, truncated 15%, refusal 10%, empty 10% of failures) and latency
/// (400 ms to the first token, 20 ms per output token, ±25% jitter).</para>
/// <para>A profile can also be written as comma-separated settings, optionally after a built-in name:
/// <c>p=0.97</c>, <c>good,malformed=0.5,ttft=0</c>. Keys: <c>p</c>, <c>wrong</c>, <c>malformed</c>, <c>truncated</c>, <c>refusal</c>,
/// <c>empty</c> (relative failure weights), <c>ttft</c> and <c>token</c> (milliseconds, or with an <c>ms</c>/<c>s</c> suffix),
/// <c>jitter</c> (fraction), <c>inflation</c> (output token multiplier), and an accuracy decay over prompt size (one of
/// <c>halflife=8000</c> or <c>decay=2000:1/32000:0.3</c>; see <see cref="AccuracyDecay"/>).</para>
/// </remarks>
public sealed record SimulationProfile
{
    private static readonly Dictionary<string, SimulationProfile> _builtIns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["perfect"] = new() { Name = "perfect", Accuracy = 1.0 },
        ["good"] = new() { Name = "good", Accuracy = 0.95 },
        ["fair"] = new() { Name = "fair", Accuracy = 0.90 },
        ["weak"] = new() { Name = "weak", Accuracy = 0.80 },
        ["coin"] = new() { Name = "coin", Accuracy = 0.55 },
        ["instant"] = new() { Name = "instant", Accuracy = 0.95, TimeToFirstToken = TimeSpan.Zero, PerOutputToken = TimeSpan.Zero },
    };

    /// <summary>Gets the names of the built-in profiles.</summary>
    public static IReadOnlyCollection<string> BuiltInNames => _builtIns.Keys;

    /// <summary>Gets the profile that is always right (p = 1).</summary>
    public static SimulationProfile Perfect => _builtIns["perfect"];

    /// <summary>Gets the profile that is right 95% of the time.</summary>
    public static SimulationProfile Good => _builtIns["good"];

    /// <summary>Gets the profile that is right 90% of the time.</summary>
    public static SimulationProfile Fair => _builtIns["fair"];

    /// <summary>Gets the profile that is right 80% of the time.</summary>
    public static SimulationProfile Weak => _builtIns["weak"];

    /// <summary>Gets the profile that is right 55% of the time, barely better than a coin.</summary>
    public static SimulationProfile Coin => _builtIns["coin"];

    /// <summary>Gets the name shown in the model id (<c>sim:&lt;name&gt;</c>).</summary>
    /// <value>The default value is <c>custom</c>.</value>
    public string Name { get; init; } = "custom";

    /// <summary>Gets the probability p, in [0, 1], that a call returns the correct answer.</summary>
    /// <value>The default value is 0.95.</value>
    public double Accuracy { get; init; } = 0.95;

    /// <summary>Gets the relative weight of wrong-but-valid answers among failures.</summary>
    /// <value>The default value is 0.40.</value>
    public double WrongAnswerWeight { get; init; } = 0.40;

    /// <summary>Gets the relative weight of malformed JSON among failures.</summary>
    /// <value>The default value is 0.25.</value>
    public double MalformedJsonWeight { get; init; } = 0.25;

    /// <summary>Gets the relative weight of truncated answers (<c>finish_reason=length</c>) among failures.</summary>
    /// <value>The default value is 0.15.</value>
    public double TruncatedWeight { get; init; } = 0.15;

    /// <summary>Gets the relative weight of refusals among failures.</summary>
    /// <value>The default value is 0.10.</value>
    public double RefusalWeight { get; init; } = 0.10;

    /// <summary>Gets the relative weight of empty answers among failures.</summary>
    /// <value>The default value is 0.10.</value>
    public double EmptyWeight { get; init; } = 0.10;

    /// <summary>Gets the mean time until the first output token.</summary>
    /// <value>The default value is 400 ms.</value>
    public TimeSpan TimeToFirstToken { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Gets the mean time per output token after the first.</summary>
    /// <value>The default value is 20 ms.</value>
    public TimeSpan PerOutputToken { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Gets the jitter, as a fraction in [0, 1]: each call's latency is scaled by a uniform factor in [1 − jitter, 1 + jitter].</summary>
    /// <value>The default value is 0.25.</value>
    public double LatencyJitter { get; init; } = 0.25;

    /// <summary>Gets the factor (at least 1) by which output tokens exceed the answer's own length (characters / 4), for
    /// models that emit reasoning or padding.</summary>
    /// <value>The default value is 1.</value>
    public double OutputTokenInflation { get; init; } = 1.0;

    /// <summary>Gets how accuracy falls as the prompt grows: <see cref="Accuracy"/> is multiplied by this curve of the prompt's input tokens.</summary>
    /// <value>The default value is <see langword="null"/>: accuracy does not depend on prompt size.</value>
    public AccuracyDecay? AccuracyDecay { get; init; }

    /// <summary>Gets the probability that a call with a prompt of <paramref name="promptTokens"/> input tokens answers correctly.</summary>
    /// <param name="promptTokens">The prompt's input tokens.</param>
    /// <returns><see cref="Accuracy"/> times <see cref="AccuracyDecay"/>'s multiplier (or <see cref="Accuracy"/> without decay).</returns>
    public double AccuracyAt(long promptTokens) => AccuracyDecay is { } decay ? Accuracy * decay.Multiplier(promptTokens) : Accuracy;

    /// <summary>Parses a profile name (<c>good</c>) or settings (<c>p=0.97,malformed=0.3</c>).</summary>
    /// <param name="text">The profile, as written after <c>sim:</c>.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="FormatException">The text names no built-in profile, has an unknown key, or a value out of range.</exception>
    public static SimulationProfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new FormatException($"Simulation profile is empty. Use a built-in name ({string.Join(", ", _builtIns.Keys)}) or settings such as p=0.97.");
        }

        var profile = new SimulationProfile();
        var start = 0;
        if (!parts[0].Contains('=', StringComparison.Ordinal))
        {
            if (!_builtIns.TryGetValue(parts[0], out var builtIn))
            {
                throw new FormatException(
                    $"Unknown simulation profile '{parts[0]}'. Built-in profiles: {string.Join(", ", _builtIns.Keys)}; " +
                    "or give settings such as p=0.97 or good,malformed=0.5.");
            }

            profile = builtIn;
            start = 1;
        }

        foreach (var part in parts.AsSpan(start))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Simulation profile '{text}': '{part}' is not a key=value setting (a built-in name may only come first).");
            }

            var key = part[..eq].Trim().ToLowerInvariant();
            var value = part[(eq + 1)..].Trim();
            profile = key switch
            {
                "p" or "accuracy" => profile with { Accuracy = Number(text, key, value) },
                "wrong" => profile with { WrongAnswerWeight = Number(text, key, value) },
                "malformed" => profile with { MalformedJsonWeight = Number(text, key, value) },
                "truncated" => profile with { TruncatedWeight = Number(text, key, value) },
                "refusal" => profile with { RefusalWeight = Number(text, key, value) },
                "empty" => profile with { EmptyWeight = Number(text, key, value) },
                "ttft" => profile with { TimeToFirstToken = Duration(text, key, value) },
                "token" => profile with { PerOutputToken = Duration(text, key, value) },
                "jitter" => profile with { LatencyJitter = Number(text, key, value) },
                "inflation" => profile with { OutputTokenInflation = Number(text, key, value) },
                "halflife" => profile with { AccuracyDecay = HalfLife(text, profile, value) },
                "decay" => profile with { AccuracyDecay = Points(text, profile, value) },
                _ => throw new FormatException(
                    $"Simulation profile '{text}': unknown setting '{key}'. Known settings: p, wrong, malformed, truncated, refusal, empty, ttft, token, jitter, inflation, halflife, decay."),
            };
        }

        profile = profile with { Name = NormalizedName(parts) };
        var problems = profile.Validate();
        if (problems.Count > 0)
        {
            throw new FormatException($"Simulation profile '{text}' is invalid: {string.Join("; ", problems)}.");
        }

        return profile;
    }

    /// <summary>Checks the settings and returns every problem found.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("Name must not be empty");
        }

        if (!(Accuracy >= 0 && Accuracy <= 1))
        {
            problems.Add($"p (Accuracy) must be between 0 and 1, not {Accuracy.ToString(CultureInfo.InvariantCulture)}");
        }

        foreach (var (name, weight) in new[]
        {
            ("wrong", WrongAnswerWeight), ("malformed", MalformedJsonWeight), ("truncated", TruncatedWeight),
            ("refusal", RefusalWeight), ("empty", EmptyWeight),
        })
        {
            if (!(weight >= 0) || double.IsInfinity(weight))
            {
                problems.Add($"failure weight '{name}' must be a finite number of at least 0, not {weight.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        if (Accuracy < 1 && WrongAnswerWeight + MalformedJsonWeight + TruncatedWeight + RefusalWeight + EmptyWeight <= 0)
        {
            problems.Add("at least one failure weight must be above 0 when p is below 1");
        }

        if (TimeToFirstToken < TimeSpan.Zero || PerOutputToken < TimeSpan.Zero)
        {
            problems.Add("latencies (ttft, token) must not be negative");
        }

        if (!(LatencyJitter >= 0 && LatencyJitter <= 1))
        {
            problems.Add("jitter must be between 0 and 1");
        }

        if (!(OutputTokenInflation >= 1) || double.IsInfinity(OutputTokenInflation))
        {
            problems.Add("inflation must be a finite number of at least 1");
        }

        return problems;
    }

    private static string NormalizedName(string[] parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(part.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant());
        }

        return builder.ToString();
    }

    private static AccuracyDecay HalfLife(string text, SimulationProfile profile, string value)
    {
        OneDecay(text, profile);
        var tokens = Number(text, "halflife", value);
        if (!(tokens > 0) || double.IsInfinity(tokens))
        {
            throw new FormatException($"Simulation profile '{text}': 'halflife' must be a number of prompt tokens above 0, such as 8000, not '{value}'.");
        }

        return AccuracyDecay.HalfLife(tokens);
    }

    private static AccuracyDecay Points(string text, SimulationProfile profile, string value)
    {
        OneDecay(text, profile);
        try
        {
            return AccuracyDecay.ParsePoints(value);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Simulation profile '{text}': 'decay' {ex.Message}.", ex);
        }
    }

    private static void OneDecay(string text, SimulationProfile profile)
    {
        if (profile.AccuracyDecay is not null)
        {
            throw new FormatException($"Simulation profile '{text}' sets the accuracy decay twice; give one of halflife=<tokens> or decay=<tokens>:<multiplier>/....");
        }
    }

    private static double Number(string text, string key, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || double.IsNaN(number))
        {
            throw new FormatException($"Simulation profile '{text}': '{key}' must be a number such as 0.95, not '{value}'.");
        }

        return number;
    }

    private static TimeSpan Duration(string text, string key, string value)
    {
        var scale = 1.0;
        var digits = value;
        if (value.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            digits = value[..^2];
        }
        else if (value.EndsWith('s') || value.EndsWith('S'))
        {
            digits = value[..^1];
            scale = 1000;
        }

        if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || double.IsNaN(number) || double.IsInfinity(number))
        {
            throw new FormatException($"Simulation profile '{text}': '{key}' must be a duration such as 250, 250ms or 1.5s, not '{value}'.");
        }

        return TimeSpan.FromMilliseconds(number * scale);
    }
}
