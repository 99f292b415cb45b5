using System.Diagnostics;
using System.Security.Cryptography;
using CookieSession.BrowserTests.Infrastructure;

namespace CookieSession.BrowserTests.Migration;

/// <summary>
/// The migration demo (samples/CookieSession.Migration) as a user starts it, once for the test class: its built dll
/// run by <c>dotnet</c>, with free loopback ports for the front door, the ASP.NET Core app and the Node app, and a
/// secret of the test's own. The demo installs its Node packages itself (<c>npm ci</c>) when they are missing.
/// Without node or npm the tests are skipped, except under CI=true, where that fails them.
/// </summary>
public sealed class MigrationDemo : IAsyncLifetime
{
    /// <summary>What the demo logs once the front door, the ASP.NET Core app and the Node app all listen.</summary>
    public const string ReadyLine = "The migration demo is running on";

    // npm ci on a cold cache, then three servers.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private StartedProcess? _process;
    private string? _unavailable;

    /// <summary>The secret both apps sign the session with, as the demo was given it (Migration:Secret).</summary>
    public string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public async ValueTask InitializeAsync()
    {
        foreach (var tool in new[] { "node", "npm" })
        {
            if (FindOnPath(tool) is null)
            {
                _unavailable = $"'{tool}' is not on PATH: the migration demo runs its Node app with it, so its tests cannot run.";
                return;
            }
        }

        var dll = FindDemo();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Migration__DotNetUrl"] = "http://127.0.0.1:0";
        start.Environment["Migration__NodePort"] = "0";
        start.Environment["Migration__Secret"] = Secret;
        _process = await StartedProcess.StartAsync(start, StartTimeout, ReadyLine);
    }

    /// <summary>Skips the test when node or npm is missing, or fails it under CI.</summary>
    public void RequireNode()
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

    /// <summary>The front door's address of <paramref name="path"/>, under the test site's name.</summary>
    public string Url(string path)
    {
        RequireNode();
        return $"http://{Sites.A}:{_process!.Url.Port}{path}";
    }

    /// <summary>The front door's address of <paramref name="path"/> on loopback, for an HTTP client without a browser.</summary>
    public Uri LoopbackUrl(string path)
    {
        RequireNode();
        return new Uri(_process!.Url, path);
    }

    /// <summary>What the demo printed so far: its log, and what node printed through it.</summary>
    public string Output() => _process?.Output() ?? string.Empty;

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    // Built with the tests (a project reference that only orders the build), in the same configuration.
    private static string FindDemo()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var project = Path.Combine(directory.FullName, "samples", "CookieSession.Migration");
            if (Directory.Exists(project))
            {
                var dll = Path.Combine(project, "bin", configuration, "net10.0", "CookieSession.Migration.dll");
                return File.Exists(dll) ? dll : throw new InvalidOperationException(dll + " is not built: build the solution, or the browser tests, first.");
            }
        }

        throw new InvalidOperationException("samples/CookieSession.Migration not found above " + AppContext.BaseDirectory);
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
