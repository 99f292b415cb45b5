using System.Diagnostics;
using System.Globalization;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Starts the real Django peer (tests/interop/django/app.py, Django's signed_cookies session backend) on loopback,
/// once per configuration. It runs under Debian's python3 with Debian's python3-django. Without them the tests are
/// skipped, except under CI=true, where that fails them: CI must never pass by skipping (.ci/run installs them).
/// </summary>
public sealed class DjangoPeers : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly PeerProcesses _peers = new();
    private string? _python;
    private string? _unavailable;

    public string AppDirectory { get; } = RepositoryDirectory.Find("tests", "interop", "django");

    /// <summary>Django's version as the peer runs it, such as "3.2.25".</summary>
    public string? DjangoVersion { get; private set; }

    public async ValueTask InitializeAsync()
    {
        // Debian's interpreter first: a python3 earlier on PATH (a virtualenv, pyenv) may not see Debian's Django.
        foreach (var python in new[] { "/usr/bin/python3", InstalledProgram.FindOnPath("python3") })
        {
            if (python is null || !File.Exists(python))
            {
                continue;
            }

            var probe = await InstalledProgram.RunAsync(python, ["-c", "import django; print(django.get_version())"], TimeSpan.FromSeconds(30));
            if (probe.ExitCode == 0)
            {
                _python = python;
                DjangoVersion = probe.Output.Trim();
                return;
            }
        }

        _unavailable = "No python3 that can import django: the interop tests against the real Django cannot run (Debian: apt-get install python3-django).";
    }

    /// <summary>Skips the test when Django is missing, or fails it under CI.</summary>
    public void RequireDjango() => MissingComponent.SkipOrFail(_unavailable);

    /// <summary>The Django peer under this <c>SECRET_KEY</c> and <c>SESSION_COOKIE_AGE</c> (Django's two weeks by default).</summary>
    public Task<Uri> DjangoAsync(string secretKey, int? sessionCookieAge = null)
    {
        RequireDjango();
        return _peers.GetOrStartAsync($"{secretKey}\n{sessionCookieAge}", () =>
        {
            var start = new ProcessStartInfo(_python!) { WorkingDirectory = AppDirectory };
            start.ArgumentList.Add("app.py");
            if (sessionCookieAge is { } age)
            {
                start.ArgumentList.Add("--age=" + age.ToString(CultureInfo.InvariantCulture));
            }

            start.ArgumentList.Add(secretKey);
            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
            start.Environment["PYTHONIOENCODING"] = "utf-8";
            return PeerProcess.StartAsync("The Django peer", start, StartTimeout);
        });
    }

    public ValueTask DisposeAsync() => _peers.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DjangoCollection : ICollectionFixture<DjangoPeers>
{
    public const string Name = "Interop with the real Django";
}
