using System.Collections.Concurrent;
using System.Diagnostics;
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

    private readonly ConcurrentDictionary<string, Task<Uri>> _servers = new();
    private readonly ConcurrentBag<Process> _processes = [];
    private readonly ConcurrentBag<WebApplication> _apps = [];
    private string? _unavailable;

    public string InteropDirectory { get; } = FindInteropDirectory();

    public async ValueTask InitializeAsync()
    {
        var node = FindOnPath("node");
        var npm = FindOnPath("npm");
        if (node is null || npm is null)
        {
            _unavailable = $"'{(node is null ? "node" : "npm")}' is not on PATH: the interop tests against the real Node packages cannot run.";
            return;
        }

        if (!File.Exists(Path.Combine(InteropDirectory, "node_modules", ".package-lock.json"))
            || File.GetLastWriteTimeUtc(Path.Combine(InteropDirectory, "package-lock.json")) > File.GetLastWriteTimeUtc(Path.Combine(InteropDirectory, "node_modules", ".package-lock.json")))
        {
            var (code, output) = await RunAsync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5));
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {InteropDirectory} with exit code {code}:\n{output}");
            }
        }
    }

    /// <summary>Skips the test when node is missing, or fails it under CI.</summary>
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

    /// <summary>A Node peer (see tests/interop/server.js) with these secrets, the first signing.</summary>
    public Task<Uri> NodeAsync(string peer, params string[] secrets)
    {
        RequireNode();
        return _servers.GetOrAdd("node " + peer + " " + string.Join(" ", secrets), _ => StartNodeAsync(peer, secrets));
    }

    /// <summary>A .NET peer with the same routes, with these secrets, the first signing.</summary>
    public Task<Uri> DotNetAsync(CookieSessionFormat format, params string[] secrets)
        => _servers.GetOrAdd($"dotnet {format} " + string.Join(" ", secrets), async _ =>
        {
            var (app, address) = await DotNetPeer.StartAsync(format, secrets);
            _apps.Add(app);
            return address;
        });

    public async ValueTask DisposeAsync()
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

        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private async Task<Uri> StartNodeAsync(string peer, string[] secrets)
    {
        var start = new ProcessStartInfo(FindOnPath("node")!)
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.js");
        start.ArgumentList.Add(peer);
        foreach (var secret in secrets)
        {
            start.ArgumentList.Add(secret);
        }

        var process = Process.Start(start)!;
        _processes.Add(process);
        var errors = new System.Text.StringBuilder();
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
                var port = int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                _ = DrainAsync(process.StandardOutput);
                return new Uri($"http://127.0.0.1:{port}/");
            }
        }

        lock (errors)
        {
            throw new InvalidOperationException($"The Node peer {peer} did not start:\n{errors}");
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

    private async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = InteropDirectory,
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
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    internal static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string FindInteropDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/interop/package.json not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<NodePeers>
{
    public const string Name = "Interop with the real Node packages";
}
