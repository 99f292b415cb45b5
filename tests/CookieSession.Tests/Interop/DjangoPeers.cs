using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Starts the real Django peer (tests/interop/django/app.py, Django's signed_cookies session backend) on loopback,
/// once per configuration. It runs under Debian's python3 with Debian's python3-django. Without them the tests are
/// skipped, except under CI=true, where that fails them: CI must never pass by skipping (.ci/run installs them).
/// </summary>
public sealed class DjangoPeers : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Task<Uri>> _servers = new();
    private readonly ConcurrentBag<Process> _processes = [];
    private string? _python;
    private string? _unavailable;

    public string AppDirectory { get; } = FindAppDirectory();

    /// <summary>Django's version as the peer runs it, such as "3.2.25".</summary>
    public string? DjangoVersion { get; private set; }

    public async ValueTask InitializeAsync()
    {
        // Debian's interpreter first: a python3 earlier on PATH (a virtualenv, pyenv) may not see Debian's Django.
        foreach (var python in new[] { "/usr/bin/python3", NodePeers.FindOnPath("python3") })
        {
            if (python is null || !File.Exists(python))
            {
                continue;
            }

            var (code, output) = await RunAsync(python, ["-c", "import django; print(django.get_version())"]);
            if (code == 0)
            {
                _python = python;
                DjangoVersion = output.Trim();
                return;
            }
        }

        _unavailable = "No python3 that can import django: the interop tests against the real Django cannot run (Debian: apt-get install python3-django).";
    }

    /// <summary>Skips the test when Django is missing, or fails it under CI.</summary>
    public void RequireDjango()
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

    /// <summary>The Django peer under this <c>SECRET_KEY</c> and <c>SESSION_COOKIE_AGE</c> (Django's two weeks by default).</summary>
    public Task<Uri> DjangoAsync(string secretKey, int? sessionCookieAge = null)
    {
        RequireDjango();
        return _servers.GetOrAdd($"{secretKey}\n{sessionCookieAge}", _ => StartAsync(secretKey, sessionCookieAge));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                // The app exits when its stdin closes.
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

    private async Task<Uri> StartAsync(string secretKey, int? sessionCookieAge)
    {
        var start = new ProcessStartInfo(_python!)
        {
            WorkingDirectory = AppDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("app.py");
        if (sessionCookieAge is { } age)
        {
            start.ArgumentList.Add("--age=" + age.ToString(CultureInfo.InvariantCulture));
        }

        start.ArgumentList.Add(secretKey);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONIOENCODING"] = "utf-8";

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
                return new Uri($"http://127.0.0.1:{port}/");
            }
        }

        lock (errors)
        {
            throw new InvalidOperationException($"The Django peer did not start:\n{errors}");
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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

    private static string FindAppDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "interop", "django");
            if (File.Exists(Path.Combine(candidate, "app.py")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/interop/django/app.py not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class DjangoCollection : ICollectionFixture<DjangoPeers>
{
    public const string Name = "Interop with the real Django";
}
