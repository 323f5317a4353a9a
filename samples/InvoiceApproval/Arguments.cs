namespace Nines.Samples.InvoiceApproval;

/// <summary>The command line: a command, positional arguments and <c>--name value</c> options.</summary>
internal sealed class Arguments
{
    private static readonly string[] _known = ["--store", "--id", "--crash-after"];
    private readonly List<string> _positional = [];
    private readonly Dictionary<string, string> _options = [];

    public string? Command { get; private set; }

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (!_known.Contains(arg))
                {
                    throw new UsageException($"unknown option '{arg}'.");
                }

                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{arg} needs a value.");
                }

                parsed._options[arg] = args[++i];
            }
            else if (parsed.Command is null)
            {
                parsed.Command = arg;
            }
            else
            {
                parsed._positional.Add(arg);
            }
        }

        return parsed;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public string Positional(int index, string missing) =>
        index < _positional.Count ? _positional[index] : throw new UsageException(missing + ".");
}
