using System.Diagnostics;
using System.Text;

namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// An external process a test starts (a sample app, a Node server), ready once it said where it listens: each
/// <c>Now listening on: URL</c> line is an address (<see cref="Urls"/>), and it is ready at ASP.NET Core's
/// <c>Application started.</c> line, or at the first address for a process that prints no such line
/// (<c>readyLine</c>). Killed, with its children, when disposed.
/// </summary>
/// <remarks>
/// <para>
/// For an ASP.NET Core app, give it <c>ASPNETCORE_URLS=http://127.0.0.1:0</c> (a free port, which Kestrel then
/// logs) and keep its console logging at Information for <c>Microsoft.Hosting.Lifetime</c>, as the default is.
/// Start a built app (<c>dotnet app.dll</c>) rather than <c>dotnet run</c>: the latter's own process sits
/// between the test and the app.
/// </para>
/// <para>
/// The process must not outlive the test run, even one that is killed. Dispose kills it, and so does
/// <see cref="AppDomain.ProcessExit"/>; for a test host that dies without either, it is started through
/// util-linux's <c>setpriv --pdeathsig KILL</c> where there is one, so that the kernel kills it when its parent
/// goes. That "parent" is the thread that forked it, so it is forked from a thread of our own that lives until
/// dispose, not from a thread-pool thread that may retire first.
/// </para>
/// </remarks>
public sealed class StartedProcess : IAsyncDisposable
{
    /// <summary>What ASP.NET Core's hosting logs for each address it listens on.</summary>
    public const string ListeningPrefix = "Now listening on: ";

    /// <summary>What ASP.NET Core's hosting logs once every address is bound.</summary>
    public const string StartedLine = "Application started.";

    private const int MaxOutput = 64 * 1024;

    private readonly ManualResetEventSlim _release = new();
    private readonly StringBuilder _output = new();
    private readonly List<Uri> _urls = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _readyLine;
    private readonly string _name;
    private Process? _process;

    private StartedProcess(string name, string? readyLine)
    {
        _name = name;
        _readyLine = readyLine;
    }

    /// <summary>The addresses the process said it listens on, in the order it said them.</summary>
    public IReadOnlyList<Uri> Urls
    {
        get
        {
            lock (_output)
            {
                return [.. _urls];
            }
        }
    }

    /// <summary>The first address the process listens on.</summary>
    public Uri Url => Urls[0];

    /// <summary>The operating system's id of the process.</summary>
    public int Id { get; private set; }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process is not { } process || process.HasExited;

    /// <summary>
    /// Starts <paramref name="start"/> (arguments in <see cref="ProcessStartInfo.ArgumentList"/>; its output is
    /// redirected here) and waits until it is ready, it exits, or <paramref name="timeout"/> (default 60 s) passes;
    /// the latter two throw, with what it printed.
    /// </summary>
    /// <param name="start">What to run, with its environment and working directory.</param>
    /// <param name="timeout">How long it may take to get ready.</param>
    /// <param name="readyLine">
    /// The text of the line that says it is ready; <see cref="StartedLine"/> by default; <c>null</c>: its first
    /// <c>Now listening on:</c> line.
    /// </param>
    public static async Task<StartedProcess> StartAsync(ProcessStartInfo start, TimeSpan? timeout = null, string? readyLine = StartedLine)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!string.IsNullOrEmpty(start.Arguments))
        {
            throw new ArgumentException("Give the arguments in ArgumentList, not Arguments.", nameof(start));
        }

        var started = new StartedProcess(Path.GetFileName(start.FileName), readyLine);
        AppDomain.CurrentDomain.ProcessExit += started.OnProcessExit;
        try
        {
            started._process = await started.ForkAsync(start);
            started.Id = started._process.Id;
            using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            var exited = started._process.WaitForExitAsync(cancel.Token);
            var first = await Task.WhenAny(started._ready.Task, exited, Task.Delay(Timeout.Infinite, cancel.Token));
            if (first != started._ready.Task)
            {
                var why = started._process.HasExited
                    ? $"exited with code {started._process.ExitCode} before it was ready"
                    : $"was not ready within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds:0} s";
                throw new InvalidOperationException($"{started._name} {why}. Its output:\n{started.Output()}");
            }

            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the process printed so far, standard output and error interleaved (the first 64 KB).</summary>
    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        var process = Interlocked.Exchange(ref _process, null);
        if (process is not null)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        _release.Set();
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private Task<Process> ForkAsync(ProcessStartInfo start)
    {
        var setpriv = OperatingSystem.IsLinux() ? FindOnPath("setpriv") : null;
        var actual = new ProcessStartInfo(setpriv ?? start.FileName)
        {
            WorkingDirectory = start.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setpriv is not null)
        {
            actual.ArgumentList.Add("--pdeathsig");
            actual.ArgumentList.Add("KILL");
            actual.ArgumentList.Add(start.FileName);
        }

        foreach (var argument in start.ArgumentList)
        {
            actual.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in start.Environment)
        {
            actual.Environment[key] = value;
        }

        var forked = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = new Thread(() =>
        {
            try
            {
                var process = Process.Start(actual)!;
                process.OutputDataReceived += (_, e) => OnLine(e.Data);
                process.ErrorDataReceived += (_, e) => OnLine(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                forked.SetResult(process);
            }
            catch (Exception exception)
            {
                forked.SetException(exception);
                return;
            }

            // Stay alive while the process runs: see the remarks on the class.
            _release.Wait();
        })
        {
            IsBackground = true,
            Name = _name + " parent",
        };
        parent.Start();
        return forked.Task;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < MaxOutput)
            {
                _output.AppendLine(line);
            }

            var listening = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
            if (listening >= 0 && Uri.TryCreate(line[(listening + ListeningPrefix.Length)..].Trim(), UriKind.Absolute, out var url))
            {
                _urls.Add(url);
                if (_readyLine is null)
                {
                    _ready.TrySetResult();
                }
            }

            if (_readyLine is not null && _urls.Count > 0 && line.Contains(_readyLine, StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, name)))
            {
                return Path.Combine(directory, name);
            }
        }

        return null;
    }
}
