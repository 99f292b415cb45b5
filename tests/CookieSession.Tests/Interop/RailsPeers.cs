using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

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

    private readonly ConcurrentDictionary<string, Task<Uri>> _servers = new();
    private readonly ConcurrentBag<Process> _processes = [];
    private string? _unavailable;

    public string PeerDirectory { get; } = FindPeerDirectory();

    public async ValueTask InitializeAsync()
    {
        var ruby = NodePeers.FindOnPath("ruby");
        if (ruby is null)
        {
            _unavailable = "'ruby' is not on PATH: the interop tests against the real Rails cannot run (Debian: apt-get install ruby-rails ruby-webrick).";
            return;
        }

        var start = new ProcessStartInfo(ruby)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-e", "require 'action_controller/railtie'; require 'webrick'; print Rails.version" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            _unavailable = $"ruby cannot load Rails and webrick (Debian: apt-get install ruby-rails ruby-webrick): {(await errors).Trim()}";
            return;
        }

        RailsVersion = await output;
    }

    /// <summary>The version of the Rails the peer runs.</summary>
    public string? RailsVersion { get; private set; }

    /// <summary>Skips the test when Rails is missing, or fails it under CI.</summary>
    public void RequireRails()
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

    /// <summary>
    /// A Rails peer with these <c>secret_key_base</c>s (the first its own, the others rotated) and these server.rb
    /// options (<c>--digest=SHA256</c>, <c>--expire-after=3600</c>...).
    /// </summary>
    public Task<Uri> RailsAsync(IReadOnlyList<string> options, params string[] secrets)
    {
        RequireRails();
        var arguments = options.Append("--").Concat(secrets).ToArray();
        return _servers.GetOrAdd(string.Join("\n", arguments), _ => StartAsync(arguments));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(5000))
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

    private async Task<Uri> StartAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(NodePeers.FindOnPath("ruby")!)
        {
            WorkingDirectory = PeerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.rb");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

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
            throw new InvalidOperationException($"The Rails peer did not start:\n{errors}");
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

    private static string FindPeerDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "interop", "rails");
            if (File.Exists(Path.Combine(candidate, "server.rb")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/interop/rails/server.rb not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class RailsInteropCollection : ICollectionFixture<RailsPeers>
{
    public const string Name = "Interop with the real Rails";
}
