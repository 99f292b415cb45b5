using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CookieSession.Migration;

/// <summary>
/// The Node half, run as a child process: <c>node server.js</c> in the <c>node</c> folder, after <c>npm ci</c> when its
/// packages are missing or older than the lockfile. The secret and port go to it through its environment. It never
/// outlives this process: disposing closes its standard input, which it exits on (<c>EXIT_ON_STDIN_END=1</c>), and
/// kills it if it has not exited two seconds later; if this process dies, the pipe closes all the same.
/// </summary>
internal sealed partial class NodeShop : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly ILogger _logger;
    private int _disposed;

    private NodeShop(Process process, Uri address, ILogger logger)
    {
        _process = process;
        Address = address;
        _logger = logger;
    }

    /// <summary>Where the Node app listens (loopback).</summary>
    public Uri Address { get; }

    /// <summary>Completes when the Node process exits, for whatever reason.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Whether it exited because this object was disposed.</summary>
    public bool Stopping => Volatile.Read(ref _disposed) != 0;

    public static async Task<NodeShop> StartAsync(MigrationSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var node = FindOnPath("node") ?? throw new NodeShopException(
            "'node' was not found on PATH. The migration demo runs the shop's Node half with it: install Node.js 20.11 or later (with npm) and run again.");
        var directory = settings.NodeDirectory ?? FindNodeDirectory()
            ?? throw new NodeShopException("The Node app (node/server.js) was not found above " + AppContext.BaseDirectory + ": set Migration:NodeDirectory.");

        await InstallAsync(directory, logger, cancellationToken);

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Express 3 reads res._headers, which Node has deprecated (DEP0066): known, and not what this demo is about.
        start.ArgumentList.Add("--disable-warning=DEP0066");
        start.ArgumentList.Add("server.js");
        start.Environment["SESSION_SECRET"] = settings.Secret;
        start.Environment["PORT"] = settings.NodePort.ToString(CultureInfo.InvariantCulture);
        start.Environment["HOST"] = "127.0.0.1";
        start.Environment["EXIT_ON_STDIN_END"] = "1";

        var process = Process.Start(start) ?? throw new NodeShopException("node did not start.");
        try
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                {
                    Log.NodeError(logger, line);
                }
            };
            process.BeginErrorReadLine();

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (Listening().Match(line) is { Success: true } match)
                {
                    var shop = new NodeShop(process, new Uri(match.Groups[1].Value), logger);
                    _ = shop.ForwardOutputAsync();
                    return shop;
                }

                Log.NodeOutput(logger, line);
            }

            await process.WaitForExitAsync(cancellationToken);
            throw new NodeShopException($"The Node app exited with code {process.ExitCode} before it listened (see its errors above).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Stop(process);
            process.Dispose();
            throw new NodeShopException($"The Node app did not say it was listening within {StartTimeout.TotalSeconds} seconds.");
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Stop(_process);
            _process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(2000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (IOException)
        {
            // Its end of the pipe is already closed: it is exiting.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task ForwardOutputAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                Log.NodeOutput(_logger, line);
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task InstallAsync(string directory, ILogger logger, CancellationToken cancellationToken)
    {
        var installed = Path.Combine(directory, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(directory, "package-lock.json")))
        {
            return;
        }

        var npm = FindOnPath("npm") ?? throw new NodeShopException(
            "'npm' was not found on PATH: it installs the Node app's packages (npm ci). Install npm with Node.js and run again.");
        Log.Installing(logger, directory);
        var start = new ProcessStartInfo(npm)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new NodeShopException("npm did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new NodeShopException($"npm ci failed in {directory} with exit code {process.ExitCode}:\n{await output}{await errors}");
        }
    }

    private static string? FindNodeDirectory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "node");
                if (File.Exists(Path.Combine(candidate, "server.js")) && File.Exists(Path.Combine(candidate, "package-lock.json")))
                {
                    return candidate;
                }

                var sample = Path.Combine(directory.FullName, "samples", "CookieSession.Migration", "node");
                if (File.Exists(Path.Combine(sample, "server.js")))
                {
                    return sample;
                }
            }
        }

        return null;
    }

    private static string? FindOnPath(string name)
    {
        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd" } : new[] { string.Empty };
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"^listening (http://\S+)$")]
    private static partial Regex Listening();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Installing the Node app's packages: npm ci in {Directory}")]
        public static partial void Installing(ILogger logger, string directory);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "node: {Line}")]
        public static partial void NodeOutput(ILogger logger, string line);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "node: {Line}")]
        public static partial void NodeError(ILogger logger, string line);
    }
}

/// <summary>The Node app could not be started: the message says why and what to do.</summary>
internal sealed class NodeShopException(string message) : Exception(message);
