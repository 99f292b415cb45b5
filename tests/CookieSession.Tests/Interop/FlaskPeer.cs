using System.Diagnostics;
using System.Globalization;
using CookieSession.Tests.Infrastructure;

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

    private readonly PeerProcesses _peers = new();
    private string? _python;
    private string? _unavailable;

    public string PeerDirectory { get; } = RepositoryDirectory.Find("tests", "interop", "flask");

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

        var probe = await InstalledProgram.RunAsync(python, ["-c", "from importlib.metadata import version; print(version('flask'))"], TimeSpan.FromSeconds(30), PeerDirectory);
        if (probe.ExitCode != 0)
        {
            _unavailable = $"'{python}' cannot import flask: the interop tests against the real Flask cannot run (Debian: apt-get install python3-flask). It said: {probe.Output.Trim()}";
            return;
        }

        _python = python;
        FlaskVersion = probe.Output.Trim();
    }

    /// <summary>Skips the test when Flask is missing, or fails it under CI.</summary>
    public void RequireFlask() => MissingComponent.SkipOrFail(_unavailable);

    /// <summary>A Flask app with this <c>SECRET_KEY</c> and, if given, <c>PERMANENT_SESSION_LIFETIME</c>.</summary>
    public Task<Uri> StartAsync(string secretKey, TimeSpan? permanentSessionLifetime = null)
    {
        RequireFlask();
        var lifetime = permanentSessionLifetime is { } l ? ((long)l.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null;
        return _peers.GetOrStartAsync(secretKey + "\n" + lifetime, () =>
        {
            var start = new ProcessStartInfo(_python!) { WorkingDirectory = PeerDirectory };
            start.ArgumentList.Add("app.py");
            start.ArgumentList.Add(secretKey);
            if (lifetime is not null)
            {
                start.ArgumentList.Add(lifetime);
            }

            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
            return PeerProcess.StartAsync("The Flask peer", start, StartTimeout);
        });
    }

    public ValueTask DisposeAsync() => _peers.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class FlaskCollection : ICollectionFixture<FlaskPeer>
{
    public const string Name = "Interop with the real Flask";
}
