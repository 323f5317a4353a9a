using System.Text;

namespace Nines.CrashHost;

/// <summary>
/// This process's execution log: one line per step body that began, plus <c>START</c>, <c>VIOLATION</c> and
/// <c>REJECTED</c> lines. Each line is flushed to the OS before the step does its work, so a SIGKILL cannot lose it.
/// </summary>
/// <remarks>
/// One file per process (<c>exec-&lt;pid&gt;.log</c> in the log directory) rather than one shared file: .NET opens
/// <see cref="FileMode.Append"/> without O_APPEND on Unix, so two live processes appending to one file would overwrite
/// each other's lines. The tests read every file in the directory.
/// </remarks>
internal sealed class ExecutionLog : IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _lock = new();

    public ExecutionLog(string directory)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"exec-{Environment.ProcessId}.log");
        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
    }

    public string Path { get; }

    public static int Pid => Environment.ProcessId;

    /// <summary>Appends <c>&lt;runId&gt; &lt;step&gt; &lt;pid&gt;</c>: a step body began.</summary>
    public void Executed(string runId, string step) => Append($"{runId} {step} {Pid}");

    public void Append(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_lock)
        {
            // One write call per line: a SIGKILL lands before or after it, never in the middle of a line.
            _file.Write(bytes);
            _file.Flush();
        }
    }

    public void Dispose() => _file.Dispose();
}
