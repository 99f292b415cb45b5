using System.Diagnostics;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Starts the real Rails peer (tests/interop/rails/server.rb: Debian's Rails 6.1 with its own CookieStore) on a
/// loopback port, once per configuration, for the Rails interop tests. Without ruby, Rails or webrick the tests are
/// skipped, except under CI=true, where that fails them: CI must never pass by skipping (.ci/run installs Debian's
/// ruby-rails and ruby-webrick).
/// </summary>
public sealed class RailsPeers : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly PeerProcesses _peers = new();
    private string? _ruby;
    private string? _unavailable;

    public string PeerDirectory { get; } = RepositoryDirectory.Find("tests", "interop", "rails");

    public async ValueTask InitializeAsync()
    {
        _ruby = InstalledProgram.FindOnPath("ruby");
        if (_ruby is null)
        {
            _unavailable = "'ruby' is not on PATH: the interop tests against the real Rails cannot run (Debian: apt-get install ruby-rails ruby-webrick).";
            return;
        }

        var probe = await InstalledProgram.RunAsync(_ruby, ["-e", "require 'action_controller/railtie'; require 'webrick'; print Rails.version"], StartTimeout);
        if (probe.ExitCode != 0)
        {
            _unavailable = $"ruby cannot load Rails and webrick (Debian: apt-get install ruby-rails ruby-webrick): {probe.StandardError.Trim()}";
            return;
        }

        RailsVersion = probe.StandardOutput;
    }

    /// <summary>The version of the Rails the peer runs.</summary>
    public string? RailsVersion { get; private set; }

    /// <summary>Skips the test when Rails is missing, or fails it under CI.</summary>
    public void RequireRails() => MissingComponent.SkipOrFail(_unavailable);

    /// <summary>
    /// A Rails peer with these <c>secret_key_base</c>s (the first its own, the others rotated) and these server.rb
    /// options (<c>--digest=SHA256</c>, <c>--expire-after=3600</c>...).
    /// </summary>
    public Task<Uri> RailsAsync(IReadOnlyList<string> options, params string[] secrets)
    {
        RequireRails();
        var arguments = options.Append("--").Concat(secrets).ToArray();
        return _peers.GetOrStartAsync(string.Join("\n", arguments), () =>
        {
            var start = new ProcessStartInfo(_ruby!) { WorkingDirectory = PeerDirectory };
            start.ArgumentList.Add("server.rb");
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            return PeerProcess.StartAsync("The Rails peer", start, StartTimeout, stopGrace: TimeSpan.FromSeconds(5));
        });
    }

    public ValueTask DisposeAsync() => _peers.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RailsInteropCollection : ICollectionFixture<RailsPeers>
{
    public const string Name = "Interop with the real Rails";
}
