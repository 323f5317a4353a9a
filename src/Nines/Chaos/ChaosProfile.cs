using System.Globalization;
using System.Text.Json;

namespace Nines.Chaos;

/// <summary>
/// Which faults chaos injection puts into model calls and how often: for each <see cref="ChaosFaultKind"/> a probability per call,
/// plus the parameters of the faults (delay, <c>Retry-After</c>) and a seed.
/// </summary>
/// <remarks>
/// <para>Each call gets at most one fault: one uniform draw per call selects a fault with the probabilities in <see cref="Rates"/>
/// (so they must sum to at most 1), or none.</para>
/// <para>Built-in profiles (see <see cref="Load"/>): <c>none</c>, <c>flaky-provider</c>, <c>bad-json</c>, <c>outage</c> and
/// <c>rate-limited</c>; their rates are listed in docs/chaos.md. Profiles can also be loaded from a JSON file.</para>
/// </remarks>
public sealed class ChaosProfile
{
    private static readonly Dictionary<string, ChaosFaultKind> _jsonNames = new(StringComparer.Ordinal)
    {
        ["latency"] = ChaosFaultKind.Latency,
        ["hang"] = ChaosFaultKind.Hang,
        ["rateLimit"] = ChaosFaultKind.RateLimit,
        ["serverError"] = ChaosFaultKind.ServerError,
        ["serviceUnavailable"] = ChaosFaultKind.ServiceUnavailable,
        ["connectionReset"] = ChaosFaultKind.ConnectionReset,
        ["malformedJson"] = ChaosFaultKind.MalformedJson,
        ["truncation"] = ChaosFaultKind.Truncation,
        ["refusal"] = ChaosFaultKind.Refusal,
        ["emptyOutput"] = ChaosFaultKind.EmptyOutput,
        ["wrongAnswer"] = ChaosFaultKind.WrongAnswer,
        ["injectedInstruction"] = ChaosFaultKind.InjectedInstruction,
    };

    private static readonly string[] _builtInNames = ["none", "flaky-provider", "bad-json", "outage", "rate-limited"];

    /// <summary>Gets the names of the built-in profiles.</summary>
    public static IReadOnlyList<string> BuiltInNames => _builtInNames;

    /// <summary>Gets or sets the profile's name, shown in traces and reports.</summary>
    /// <value>The default value is <c>custom</c>.</value>
    public string Name { get; set; } = "custom";

    /// <summary>Gets or sets the seed: the same seed and the same order of calls inject the same faults.</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; set; } = 1;

    /// <summary>Gets the probability per call, in [0, 1], of each fault kind; kinds not listed are never injected. The sum must not exceed 1.</summary>
    public Dictionary<ChaosFaultKind, double> Rates { get; } = [];

    /// <summary>Gets or sets the mean extra delay of a <see cref="ChaosFaultKind.Latency"/> fault; each injection waits a uniform 50–150% of it.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the <c>Retry-After</c> hint carried by an injected 429.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the first call (1-based, counted per chaos client) on which faults are injected.</summary>
    /// <value>The default value is 1: from the first call.</value>
    /// <remarks>With <see cref="ActiveCalls"/> this makes a window, such as an outage from call 100 to call 149.</remarks>
    public long ActiveFromCall { get; set; } = 1;

    /// <summary>Gets or sets how many calls, from <see cref="ActiveFromCall"/>, faults are injected on.</summary>
    /// <value>The default value is <see langword="null"/>: no end.</value>
    public long? ActiveCalls { get; set; }

    /// <summary>Gets the sum of all rates: the probability that a call gets some fault.</summary>
    public double TotalRate => Rates.Values.Sum();

    /// <summary>Gets the profile that injects nothing.</summary>
    public static ChaosProfile None => new() { Name = "none" };

    /// <summary>
    /// Gets a realistic flaky provider: 2.5% 429 (Retry-After 2 s), 1% 500, 0.5% 503, 0.5% connection resets, 0.5% hangs, 5% latency (2 s),
    /// 1.5% malformed JSON, 0.5% truncation, 0.5% refusals, 0.5% empty, 1% wrong-but-valid: 9% of calls fail, so a bare pipeline is near one nine.
    /// </summary>
    public static ChaosProfile FlakyProvider => With("flaky-provider", new()
    {
        [ChaosFaultKind.RateLimit] = 0.025,
        [ChaosFaultKind.ServerError] = 0.01,
        [ChaosFaultKind.ServiceUnavailable] = 0.005,
        [ChaosFaultKind.ConnectionReset] = 0.005,
        [ChaosFaultKind.Hang] = 0.005,
        [ChaosFaultKind.Latency] = 0.05,
        [ChaosFaultKind.MalformedJson] = 0.015,
        [ChaosFaultKind.Truncation] = 0.005,
        [ChaosFaultKind.Refusal] = 0.005,
        [ChaosFaultKind.EmptyOutput] = 0.005,
        [ChaosFaultKind.WrongAnswer] = 0.01,
    });

    /// <summary>Gets a profile of bad content: 20% malformed JSON, 10% truncation, 5% empty output.</summary>
    public static ChaosProfile BadJson => With("bad-json", new()
    {
        [ChaosFaultKind.MalformedJson] = 0.20,
        [ChaosFaultKind.Truncation] = 0.10,
        [ChaosFaultKind.EmptyOutput] = 0.05,
    });

    /// <summary>Gets a provider that is down: every call fails, 80% with 503 and 20% with a connection reset.</summary>
    public static ChaosProfile Outage => With("outage", new()
    {
        [ChaosFaultKind.ServiceUnavailable] = 0.80,
        [ChaosFaultKind.ConnectionReset] = 0.20,
    });

    /// <summary>Gets a provider over its quota: 30% of calls get 429 with <c>Retry-After</c> 1 s.</summary>
    public static ChaosProfile RateLimited
    {
        get
        {
            var profile = With("rate-limited", new() { [ChaosFaultKind.RateLimit] = 0.30 });
            profile.RetryAfter = TimeSpan.FromSeconds(1);
            return profile;
        }
    }

    /// <summary>Returns a built-in profile by name, or loads a profile from a JSON file.</summary>
    /// <param name="nameOrPath">A built-in name (<c>none</c>, <c>flaky-provider</c>, <c>bad-json</c>, <c>outage</c>, <c>rate-limited</c>) or a path.</param>
    /// <returns>A new profile instance that the caller may change.</returns>
    /// <exception cref="FileNotFoundException">It is neither a built-in name nor an existing file.</exception>
    /// <exception cref="FormatException">The file is not a valid profile; the message names the file, the JSON path and what was expected.</exception>
    public static ChaosProfile Load(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        var builtIn = nameOrPath.Trim().ToLowerInvariant() switch
        {
            "none" => None,
            "flaky-provider" => FlakyProvider,
            "bad-json" => BadJson,
            "outage" => Outage,
            "rate-limited" => RateLimited,
            _ => null,
        };
        if (builtIn is not null)
        {
            return builtIn;
        }

        if (!File.Exists(nameOrPath))
        {
            throw new FileNotFoundException(
                $"Chaos profile '{nameOrPath}' is neither a built-in profile ({string.Join(", ", _builtInNames)}) nor an existing JSON file. " +
                "Check the path or use a built-in name.",
                nameOrPath);
        }

        return Parse(File.ReadAllText(nameOrPath), Path.GetFullPath(nameOrPath));
    }

    /// <summary>Parses a profile from JSON text.</summary>
    /// <param name="json">The JSON, such as <c>{ "name": "x", "seed": 7, "faults": { "rateLimit": { "rate": 0.05, "retryAfterSeconds": 2 }, "serverError": 0.03 } }</c>.</param>
    /// <param name="source">Where the text came from (a file name), for error messages.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="FormatException">The JSON is not a valid profile; the message names the source, the JSON path and what was expected.</exception>
    public static ChaosProfile Parse(string json, string source = "chaos profile")
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not valid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, "$", $"expected an object like {{ \"name\": \"my-profile\", \"seed\": 7, \"faults\": {{ ... }} }}, found {Describe(root)}");
            }

            var profile = new ChaosProfile();
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "name":
                        profile.Name = property.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(property.Value.GetString())
                            ? property.Value.GetString()!
                            : throw Error(source, "$.name", $"expected a non-empty string, found {Describe(property.Value)}");
                        break;
                    case "seed":
                        profile.Seed = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var seed)
                            ? seed
                            : throw Error(source, "$.seed", $"expected a whole number, found {Describe(property.Value)}");
                        break;
                    case "faults":
                        ReadFaults(profile, property.Value, source);
                        break;
                    case "window":
                        ReadWindow(profile, property.Value, source);
                        break;
                    default:
                        throw Error(source, "$." + property.Name, "unknown property; expected 'name', 'seed', 'faults' or 'window'");
                }
            }

            var problems = profile.Validate();
            if (problems.Count > 0)
            {
                throw Error(source, "$.faults", string.Join("; ", problems));
            }

            return profile;
        }
    }

    /// <summary>Checks the profile and returns every problem found.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (kind, rate) in Rates)
        {
            if (!(rate >= 0 && rate <= 1))
            {
                problems.Add($"the rate of {JsonName(kind)} must be between 0 and 1, not {rate.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        if (TotalRate > 1 + 1e-9)
        {
            problems.Add($"the rates sum to {TotalRate.ToString("0.###", CultureInfo.InvariantCulture)}, but each call gets at most one fault, so they must sum to at most 1");
        }

        if (Latency < TimeSpan.Zero)
        {
            problems.Add("Latency must not be negative");
        }

        if (RetryAfter < TimeSpan.Zero)
        {
            problems.Add("RetryAfter must not be negative");
        }

        if (ActiveFromCall < 1)
        {
            problems.Add("ActiveFromCall (window.fromCall) must be at least 1");
        }

        if (ActiveCalls < 1)
        {
            problems.Add("ActiveCalls (window.calls) must be at least 1 when set");
        }

        return problems;
    }

    /// <summary>The name a fault kind has in profile JSON.</summary>
    internal static string JsonName(ChaosFaultKind kind) => _jsonNames.First(pair => pair.Value == kind).Key;

    private static ChaosProfile With(string name, Dictionary<ChaosFaultKind, double> rates)
    {
        var profile = new ChaosProfile { Name = name };
        foreach (var (kind, rate) in rates)
        {
            profile.Rates[kind] = rate;
        }

        return profile;
    }

    private static void ReadFaults(ChaosProfile profile, JsonElement faults, string source)
    {
        if (faults.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, "$.faults", $"expected an object of fault name to rate, found {Describe(faults)}");
        }

        foreach (var fault in faults.EnumerateObject())
        {
            var path = "$.faults." + fault.Name;
            if (!_jsonNames.TryGetValue(fault.Name, out var kind))
            {
                throw Error(source, path, $"unknown fault '{fault.Name}'; expected one of {string.Join(", ", _jsonNames.Keys)}");
            }

            if (fault.Value.ValueKind == JsonValueKind.Number)
            {
                profile.Rates[kind] = Rate(fault.Value, source, path);
                continue;
            }

            if (fault.Value.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, path, $"expected a rate (a number from 0 to 1) or an object with \"rate\", found {Describe(fault.Value)}");
            }

            var hasRate = false;
            foreach (var setting in fault.Value.EnumerateObject())
            {
                var settingPath = path + "." + setting.Name;
                switch ((kind, setting.Name))
                {
                    case (_, "rate"):
                        profile.Rates[kind] = Rate(setting.Value, source, settingPath);
                        hasRate = true;
                        break;
                    case (ChaosFaultKind.RateLimit, "retryAfterSeconds"):
                        profile.RetryAfter = TimeSpan.FromSeconds(Seconds(setting.Value, source, settingPath));
                        break;
                    case (ChaosFaultKind.Latency, "delaySeconds"):
                        profile.Latency = TimeSpan.FromSeconds(Seconds(setting.Value, source, settingPath));
                        break;
                    default:
                        var allowed = kind switch
                        {
                            ChaosFaultKind.RateLimit => "'rate' or 'retryAfterSeconds'",
                            ChaosFaultKind.Latency => "'rate' or 'delaySeconds'",
                            _ => "'rate'",
                        };
                        throw Error(source, settingPath, $"unknown setting; expected {allowed}");
                }
            }

            if (!hasRate)
            {
                throw Error(source, path + ".rate", "missing; expected a rate (a number from 0 to 1)");
            }
        }
    }

    private static void ReadWindow(ChaosProfile profile, JsonElement window, string source)
    {
        if (window.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, "$.window", $"expected an object like {{ \"fromCall\": 100, \"calls\": 50 }}, found {Describe(window)}");
        }

        foreach (var setting in window.EnumerateObject())
        {
            var path = "$.window." + setting.Name;
            if (setting.Name is not ("fromCall" or "calls"))
            {
                throw Error(source, path, "unknown setting; expected 'fromCall' or 'calls'");
            }

            if (setting.Value.ValueKind != JsonValueKind.Number || !setting.Value.TryGetInt64(out var number) || number < 1)
            {
                throw Error(source, path, $"expected a whole number of at least 1, found {Describe(setting.Value)}");
            }

            if (setting.Name == "fromCall")
            {
                profile.ActiveFromCall = number;
            }
            else
            {
                profile.ActiveCalls = number;
            }
        }
    }

    private static double Rate(JsonElement value, string source, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var rate) || rate < 0 || rate > 1)
        {
            throw Error(source, path, $"expected a rate (a number from 0 to 1), found {Describe(value)}");
        }

        return rate;
    }

    private static double Seconds(JsonElement value, string source, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds) || seconds < 0 || seconds > 86_400)
        {
            throw Error(source, path, $"expected a number of seconds from 0 to 86400, found {Describe(value)}");
        }

        return seconds;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => value.GetRawText(),
    };

    private static FormatException Error(string source, string path, string what) =>
        new($"{source}: {path}: {what}. See docs/chaos.md for the profile schema.");
}
