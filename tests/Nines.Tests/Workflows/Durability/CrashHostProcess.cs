using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Nines.Tests.Workflows.Durability;

/// <summary>One running <c>Nines.CrashHost</c> child process: started with <c>dotnet Nines.CrashHost.dll …</c>, its output captured.</summary>
internal sealed class CrashHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CrashHostProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>The host's entry assembly, from the path the test project's build embeds (see Nines.Tests.csproj).</summary>
    public static string HostPath
    {
        get
        {
            var path = typeof(CrashHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "NinesCrashHostPath")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"The crash host is not built (expected at '{path}'). Build the tests with 'dotnet build tests/Nines.Tests', which builds tests/Nines.CrashHost too.");
            }

            return path;
        }
    }

    public static CrashHostProcess Start(IEnumerable<string> arguments)
    {
        // dotnet test sets DOTNET_HOST_PATH to the muxer it runs under; fall back to the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } muxer && File.Exists(muxer) ? muxer : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var host = new CrashHostProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            host.Capture(host._stdout, e.Data);
            if (e.Data?.StartsWith("READY", StringComparison.Ordinal) == true)
            {
                host._ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => host.Capture(host._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>SIGKILL (on Linux <see cref="Process.Kill(bool)"/> sends SIGKILL): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Freezes the process (SIGSTOP): no thread runs, no heartbeat is sent, until <see cref="ResumeAsync"/>.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>Waits until the host says READY (its store is open, its runs exist, its worker runs); false when it exited or timed out first.</summary>
    public async Task<bool> WaitForReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout));
        return first == _ready.Task;
    }

    /// <summary>Waits for the process to exit; false when it had not after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process.Dispose();
    }

    private void Capture(StringBuilder into, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (into)
        {
            into.AppendLine(line);
        }
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not start 'kill'.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"'kill {signal} {Pid}' exited with {kill.ExitCode}.");
        }
    }
}
