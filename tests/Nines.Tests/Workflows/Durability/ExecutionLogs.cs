using System.Globalization;

namespace Nines.Tests.Workflows.Durability;

/// <summary>
/// Everything the crash hosts wrote to their execution logs (<c>exec-&lt;pid&gt;.log</c> in one directory): step
/// bodies that began, process starts, <c>VIOLATION</c> lines (a journaled step ran again) and <c>REJECTED</c> lines
/// (a fenced write refused after a takeover).
/// </summary>
internal sealed class ExecutionLogs
{
    private ExecutionLogs(List<StepExecution> executions, List<string> violations, List<LeaseRejection> rejections, List<int> starts, List<double> startupMilliseconds, List<string> malformed)
    {
        StartupMilliseconds = startupMilliseconds;
        Executions = executions;
        Violations = violations;
        Rejections = rejections;
        Starts = starts;
        Malformed = malformed;
    }

    public IReadOnlyList<StepExecution> Executions { get; }

    public IReadOnlyList<string> Violations { get; }

    public IReadOnlyList<LeaseRejection> Rejections { get; }

    /// <summary>The processes that got as far as opening their log.</summary>
    public IReadOnlyList<int> Starts { get; }

    /// <summary>For each process that got ready: the time from its launch until its worker ran.</summary>
    public IReadOnlyList<double> StartupMilliseconds { get; }

    /// <summary>Lines that could not be parsed (none are expected: each line is one write call).</summary>
    public IReadOnlyList<string> Malformed { get; }

    public static ExecutionLogs Read(string directory)
    {
        var executions = new List<StepExecution>();
        var violations = new List<string>();
        var rejections = new List<LeaseRejection>();
        var starts = new List<int>();
        var startup = new List<double>();
        var malformed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "exec-*.log").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var ordinal = 0;
            while (reader.ReadLine() is { } line)
            {
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "VIOLATION":
                        violations.Add(line);
                        break;
                    case "START" when parts.Length >= 2:
                        starts.Add(int.Parse(parts[1], CultureInfo.InvariantCulture));
                        break;
                    case "READY" when parts.Length >= 3:
                        startup.Add(double.Parse(parts[2], CultureInfo.InvariantCulture));
                        break;
                    case "DONE":
                        break;
                    case "REJECTED" when parts.Length >= 6 && parts[2] == "epoch":
                        rejections.Add(new LeaseRejection(parts[1], long.Parse(parts[3], CultureInfo.InvariantCulture), int.Parse(parts[4], CultureInfo.InvariantCulture), parts[5], line));
                        break;
                    default:
                        if (parts.Length == 3 && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var pid))
                        {
                            executions.Add(new StepExecution(parts[0], parts[1], pid, ordinal++));
                        }
                        else
                        {
                            malformed.Add($"{Path.GetFileName(file)}: {line}");
                        }

                        break;
                }
            }
        }

        return new ExecutionLogs(executions, violations, rejections, starts, startup, malformed);
    }
}

/// <summary>A step body of a run began in a process (<see cref="Ordinal"/>: its place in that process's log).</summary>
internal sealed record StepExecution(string RunId, string Step, int Pid, int Ordinal);

/// <summary>A fenced write a process attempted after losing its lease, and the store refused.</summary>
internal sealed record LeaseRejection(string RunId, long Epoch, int Pid, string Operation, string Line);
