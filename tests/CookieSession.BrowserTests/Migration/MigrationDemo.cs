using System.Diagnostics;
using System.Security.Cryptography;
using CookieSession.BrowserTests.Infrastructure;

namespace CookieSession.BrowserTests.Migration;

/// <summary>
/// The migration demo (samples/CookieSession.Migration) as a user starts it, once for the test class: its built dll
/// run by <c>dotnet</c> with <c>Migration:Backend</c> (Node here, the other frameworks in the subclasses below), free
/// loopback ports for the front door, the ASP.NET Core app and the old app, and a secret of the test's own. The demo
/// installs its Node packages itself (<c>npm ci</c>) when they are missing. Without the old app's framework (node and
/// npm; ruby with Rails; python3 with Flask or Django) the tests are skipped, except under CI=true, where that fails
/// them.
/// </summary>
public class MigrationDemo : IAsyncLifetime
{
    /// <summary>What the demo logs once the front door, the ASP.NET Core app and the Node app all listen.</summary>
    public const string ReadyLine = "The migration demo is running on";

    // npm ci on a cold cache, then three servers.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private StartedProcess? _process;
    private string? _unavailable;

    public MigrationDemo()
        : this("Node")
    {
    }

    protected MigrationDemo(string backend) => Backend = backend;

    /// <summary>The old app's framework, as <c>Migration:Backend</c> names it: Node, Rails, Flask or Django.</summary>
    public string Backend { get; }

    /// <summary>The secret both apps sign the session with, as the demo was given it (Migration:Secret).</summary>
    public string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public async ValueTask InitializeAsync()
    {
        foreach (var tool in Backend == "Node" ? new[] { "node", "npm" } : Array.Empty<string>())
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
        start.Environment["Migration__OldAppPort"] = "0";
        start.Environment["Migration__Secret"] = Secret;
        start.Environment["Migration__Backend"] = Backend;
        try
        {
            _process = await StartedProcess.StartAsync(start, StartTimeout, ReadyLine);
        }
        catch (InvalidOperationException e) when (FrameworkMissing(e.Message) is { } reason)
        {
            // The demo's own start-up message, naming what to install: the framework is missing, not broken.
            _unavailable = reason;
        }
    }

    /// <summary>Skips the test when the old app's framework is missing, or fails it under CI.</summary>
    public void RequireOldApp()
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
        RequireOldApp();
        return $"http://{Sites.A}:{_process!.Url.Port}{path}";
    }

    /// <summary>The front door's address of <paramref name="path"/> on loopback, for an HTTP client without a browser.</summary>
    public Uri LoopbackUrl(string path)
    {
        RequireOldApp();
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
    internal static string FindDemo()
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

    // The line the demo logs when the old app's interpreter or framework is missing ("... could not be loaded: install
    // ... (Debian: apt-get install ...)", "'ruby' was not found on PATH. ..."), or null when it failed otherwise.
    private string? FrameworkMissing(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            if (line.Contains("(Debian: apt-get install", StringComparison.Ordinal)
                && (line.Contains("could not be loaded", StringComparison.Ordinal) || line.Contains("was not found on PATH", StringComparison.Ordinal)))
            {
                return $"The migration demo's {Backend} backend cannot run here: {line.Trim()}";
            }
        }

        return null;
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

/// <summary>The migration demo with Rails as the old app (Debian's ruby-rails and ruby-webrick).</summary>
public sealed class RailsMigrationDemo() : MigrationDemo("Rails");

/// <summary>The migration demo with Flask as the old app (Debian's python3-flask).</summary>
public sealed class FlaskMigrationDemo() : MigrationDemo("Flask");

/// <summary>The migration demo with Django as the old app (Debian's python3-django).</summary>
public sealed class DjangoMigrationDemo() : MigrationDemo("Django");
