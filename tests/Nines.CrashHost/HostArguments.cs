using System.Globalization;

namespace Nines.CrashHost;

/// <summary>The host's command line: <c>--name value</c> pairs and the <c>--exit-when-done</c> flag.</summary>
internal sealed class HostArguments
{
    public const string Usage =
        "Nines.CrashHost --store sqlite:<path>|postgres:<connection string> --log-dir <dir> --workflow crash-order|crash-takeover "
        + "--runs <n> [--payment-url http://127.0.0.1:<port>/] [--model sim:<profile>] [--step-ms <ms>] [--hold-ms <ms>] "
        + "[--max-concurrent <n>] [--lease-ms <ms>] [--heartbeat-ms <ms>] [--poll-ms <ms>] [--exit-when-done]";

    public required string Store { get; init; }

    public required string LogDirectory { get; init; }

    public required string Workflow { get; init; }

    public required int Runs { get; init; }

    public Uri? PaymentUrl { get; init; }

    public string Model { get; init; } = "sim:good,ttft=6,token=0.05";

    /// <summary>Real work (a delay) in each plain step of crash-order, so kills land inside step bodies.</summary>
    public TimeSpan StepWork { get; init; } = TimeSpan.FromMilliseconds(15);

    /// <summary>How long the crash-takeover step holds on (ignoring cancellation) before it returns.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(3);

    public int MaxConcurrentRuns { get; init; } = 4;

    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(100);

    public bool ExitWhenDone { get; init; }

    public static HostArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var exitWhenDone = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--exit-when-done")
            {
                exitWhenDone = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'. Usage: {Usage}");
            }
        }

        string Required(string name) => values.TryGetValue(name, out var value)
            ? value
            : throw new ArgumentException($"{name} is required. Usage: {Usage}");
        TimeSpan Millis(string name, TimeSpan fallback) => values.TryGetValue(name, out var value)
            ? TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture))
            : fallback;

        var workflow = Required("--workflow");
        var arguments = new HostArguments
        {
            Store = Required("--store"),
            LogDirectory = Required("--log-dir"),
            Workflow = workflow,
            Runs = int.Parse(Required("--runs"), CultureInfo.InvariantCulture),
            PaymentUrl = values.TryGetValue("--payment-url", out var url) ? new Uri(url) : null,
            Model = values.GetValueOrDefault("--model", "sim:good,ttft=6,token=0.05"),
            StepWork = Millis("--step-ms", TimeSpan.FromMilliseconds(15)),
            Hold = Millis("--hold-ms", TimeSpan.FromSeconds(3)),
            MaxConcurrentRuns = values.TryGetValue("--max-concurrent", out var max) ? int.Parse(max, CultureInfo.InvariantCulture) : 4,
            Lease = Millis("--lease-ms", TimeSpan.FromSeconds(2)),
            Heartbeat = Millis("--heartbeat-ms", TimeSpan.FromMilliseconds(500)),
            Poll = Millis("--poll-ms", TimeSpan.FromMilliseconds(100)),
            ExitWhenDone = exitWhenDone,
        };
        if (workflow is not (CrashOrderWorkflow.Name or CrashTakeoverWorkflow.Name))
        {
            throw new ArgumentException($"--workflow is '{workflow}'; use {CrashOrderWorkflow.Name} or {CrashTakeoverWorkflow.Name}.");
        }

        if (workflow == CrashOrderWorkflow.Name && arguments.PaymentUrl is null)
        {
            throw new ArgumentException($"--payment-url is required for {CrashOrderWorkflow.Name}.");
        }

        return arguments;
    }
}
