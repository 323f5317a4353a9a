using System.Globalization;

namespace Nines.Evals;

/// <summary>The values of a suite's <see cref="EvalSuiteParameter"/>s for one run, with typed getters whose errors name the option.</summary>
public sealed class EvalSuiteArguments
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly IReadOnlyList<EvalSuiteParameter> _parameters;

    /// <summary>Creates the arguments for <paramref name="parameters"/> from <paramref name="values"/> (missing ones take their defaults).</summary>
    /// <param name="parameters">The suite's declared parameters.</param>
    /// <param name="values">Given values by parameter name; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">A value names a parameter the suite does not declare.</exception>
    public EvalSuiteArguments(IReadOnlyList<EvalSuiteParameter> parameters, IReadOnlyDictionary<string, string>? values = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        var merged = parameters.ToDictionary(p => p.Name, p => p.DefaultValue, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            if (!merged.ContainsKey(name))
            {
                throw new ArgumentException(
                    $"Unknown suite option --{name}; this suite takes {(parameters.Count == 0 ? "none" : string.Join(", ", parameters.Select(p => "--" + p.Name)))}.",
                    nameof(values));
            }

            merged[name] = value;
        }

        _values = merged;
    }

    /// <summary>The raw value of <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The suite declares no such parameter.</exception>
    public string Get(string name) =>
        _values.TryGetValue(name, out var value)
            ? value
            : throw new ArgumentException(
                $"The suite asked for --{name} but declares only {string.Join(", ", _parameters.Select(p => "--" + p.Name))}; declare it in the suite's Parameters.",
                nameof(name));

    /// <summary>The value of <paramref name="name"/> as an integer.</summary>
    /// <exception cref="FormatException">The value is not an integer; the message names the option.</exception>
    public int GetInt32(string name) =>
        int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"--{name} must be a whole number, e.g. --{name} 20; got '{Get(name)}'.");

    /// <summary>The value of <paramref name="name"/> as a number.</summary>
    /// <exception cref="FormatException">The value is not a number; the message names the option.</exception>
    public double GetDouble(string name) =>
        double.TryParse(Get(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new FormatException($"--{name} must be a number such as 0.0022; got '{Get(name)}'.");
}
