using System.Collections.Concurrent;
using System.Diagnostics;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Starts the real Node peers (tests/interop) and .NET peers on loopback, once per configuration, for the
/// interop tests. Installs the npm packages itself (npm ci) when they are missing. Without node the tests
/// are skipped, except under CI=true, where a missing node fails them: CI must never pass by skipping.
/// </summary>
public sealed class NodePeers : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly PeerProcesses _peers = new();
    private readonly ConcurrentDictionary<string, Task<Uri>> _dotNetPeers = new();
    private readonly ConcurrentBag<WebApplication> _apps = [];
    private string? _node;
    private string? _unavailable;

    public string InteropDirectory { get; } = RepositoryDirectory.Find("tests", "interop");

    public async ValueTask InitializeAsync()
    {
        _node = InstalledProgram.FindOnPath("node");
        var npm = InstalledProgram.FindOnPath("npm");
        if (_node is null || npm is null)
        {
            _unavailable = $"'{(_node is null ? "node" : "npm")}' is not on PATH: the interop tests against the real Node packages cannot run.";
            return;
        }

        if (!File.Exists(Path.Combine(InteropDirectory, "node_modules", ".package-lock.json"))
            || File.GetLastWriteTimeUtc(Path.Combine(InteropDirectory, "package-lock.json")) > File.GetLastWriteTimeUtc(Path.Combine(InteropDirectory, "node_modules", ".package-lock.json")))
        {
            var install = await InstalledProgram.RunAsync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5), InteropDirectory);
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {InteropDirectory} with exit code {install.ExitCode}:\n{install.Output}");
            }
        }
    }

    /// <summary>Skips the test when node is missing, or fails it under CI.</summary>
    public void RequireNode() => MissingComponent.SkipOrFail(_unavailable);

    /// <summary>A Node peer (see tests/interop/server.js) with these secrets, the first signing.</summary>
    public Task<Uri> NodeAsync(string peer, params string[] secrets)
    {
        RequireNode();
        return _peers.GetOrStartAsync(peer + " " + string.Join(" ", secrets), () =>
        {
            var start = new ProcessStartInfo(_node!) { WorkingDirectory = InteropDirectory };
            start.ArgumentList.Add("server.js");
            start.ArgumentList.Add(peer);
            foreach (var secret in secrets)
            {
                start.ArgumentList.Add(secret);
            }

            return PeerProcess.StartAsync($"The Node peer {peer}", start, StartTimeout);
        });
    }

    /// <summary>A .NET peer with the same routes, with these secrets, the first signing.</summary>
    public Task<Uri> DotNetAsync(CookieSessionFormat format, params string[] secrets)
        => _dotNetPeers.GetOrAdd($"{format} " + string.Join(" ", secrets), async _ =>
        {
            var (app, address) = await DotNetPeer.StartAsync(format, secrets);
            _apps.Add(app);
            return address;
        });

    public async ValueTask DisposeAsync()
    {
        await _peers.DisposeAsync();
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<NodePeers>
{
    public const string Name = "Interop with the real Node packages";
}
