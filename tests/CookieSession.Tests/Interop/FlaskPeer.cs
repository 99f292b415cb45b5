using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Starts the real Flask peer (tests/interop/flask/app.py: Flask's own cookie session, served by werkzeug on a free
/// loopback port), once per secret and lifetime, under Debian's <c>/usr/bin/python3</c> with its python3-flask, or
/// the python named by <c>COOKIESESSION_PYTHON</c>. Without a python that imports flask the tests are skipped, except
/// under CI=true, where that fails them: CI must never pass by skipping (.ci/run installs python3-flask).
/// </summary>
public sealed class FlaskPeer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Task<Uri>> _servers = new();
    private readonly ConcurrentBag<Process> _processes = [];
    private string? _python;
    private string? _unavailable;

    public string PeerDirectory { get; } = FindPeerDirectory();

    /// <summary>The version of Flask the peer runs, as <c>flask --version</c> would say it.</summary>
    public string? FlaskVersion { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var python = Environment.GetEnvironmentVariable("COOKIESESSION_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
        if (!File.Exists(python))
        {
            _unavailable = $"'{python}' does not exist: the interop tests against the real Flask cannot run (Debian: apt-get install python3-flask).";
            return;
        }

        var (code, output) = await RunAsync(python, ["-c", "from importlib.metadata import version; print(version('flask'))"]);
        if (code != 0)
        {
            _unavailable = $"'{python}' cannot import flask: the interop tests against the real Flask cannot run (Debian: apt-get install python3-flask). It said: {output.Trim()}";
            return;
        }

        _python = python;
        FlaskVersion = output.Trim();
    }

    /// <summary>Skips the test when Flask is missing, or fails it under CI.</summary>
    public void RequireFlask()
    {
        if (_unavailable is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(_unavailable + " CI=true, so this is a failure, not a skip.");
        }

        Assert.Skip(_unavailable);
    }

    /// <summary>A Flask app with this <c>SECRET_KEY</c> and, if given, <c>PERMANENT_SESSION_LIFETIME</c>.</summary>
    public Task<Uri> StartAsync(string secretKey, TimeSpan? permanentSessionLifetime = null)
    {
        RequireFlask();
        var lifetime = permanentSessionLifetime is { } l ? ((long)l.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null;
        return _servers.GetOrAdd(secretKey + "\n" + lifetime, _ => StartProcessAsync(secretKey, lifetime));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(2000))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task<Uri> StartProcessAsync(string secretKey, string? lifetime)
    {
        var start = new ProcessStartInfo(_python!)
        {
            WorkingDirectory = PeerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("app.py");
        start.ArgumentList.Add(secretKey);
        if (lifetime is not null)
        {
            start.ArgumentList.Add(lifetime);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        var process = Process.Start(start)!;
        _processes.Add(process);
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("listening ", StringComparison.Ordinal))
            {
                var port = int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture);
                _ = DrainAsync(process.StandardOutput);
                return new Uri($"http://127.0.0.1:{port}/");
            }
        }

        lock (errors)
        {
            throw new InvalidOperationException($"The Flask peer did not start:\n{errors}");
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task<(int Code, string Output)> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = PeerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindPeerDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "interop", "flask");
            if (File.Exists(Path.Combine(candidate, "app.py")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/interop/flask/app.py not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class FlaskCollection : ICollectionFixture<FlaskPeer>
{
    public const string Name = "Interop with the real Flask";
}
