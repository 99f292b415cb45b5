using System.Diagnostics;

namespace CookieSession.Cluster.Orchestration;

/// <summary>
/// A process the run starts (redis-server, an instance): its output appended to a log file, stopped with SIGTERM and
/// waited for, killed if it outlives the run.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string file, IEnumerable<string> arguments, string logPath)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var child = new ChildProcess(process, log);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGTERM, then waits for the exit: the time it took, or <see langword="null"/> if it had to be killed.</summary>
    public async Task<TimeSpan?> StopAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        if (_process.HasExited)
        {
            return TimeSpan.Zero;
        }

        Signals.Terminate(_process.Id);
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return clock.Elapsed;
        }
        catch (OperationCanceledException)
        {
            Dispose();
            return null;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }
}
