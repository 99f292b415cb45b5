using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// A real redis-server of its own for the tests that share a Data Protection key ring between servers: started
/// on a free loopback port with no persistence and a temporary directory, ready once it answers PING, killed when
/// the test run ends. Without redis-server on PATH the tests that use it are skipped, except under CI=true, where
/// that fails them: CI must never pass by skipping (.ci/run installs Debian's redis-server).
/// </summary>
/// <remarks>
/// The server must not outlive the test run, even one that is killed. Dispose kills it, and so does
/// <see cref="AppDomain.ProcessExit"/>; for a test host that dies without either (SIGKILL, a crash), it is
/// started through util-linux's <c>setpriv --pdeathsig KILL</c>, so that the kernel kills it when its parent
/// goes. The kernel's "parent" there is the thread that forked it, not the process: a thread-pool thread may
/// retire while the server is still needed, so it is started from a thread of our own that lives until dispose.
/// </remarks>
public sealed class RedisServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private const int StartAttempts = 3;

    // Set on dispose to let the parent threads end. Never disposed itself: a parent thread may still be waiting on it.
    private readonly ManualResetEventSlim _release = new();
    private readonly StringBuilder _output = new();
    private Process? _process;
    private DirectoryInfo? _directory;
    private IPEndPoint? _endPoint;
    private string? _unavailable;

    /// <summary>The loopback address and port the server listens on.</summary>
    public IPEndPoint EndPoint
    {
        get
        {
            RequireRedis();
            return _endPoint!;
        }
    }

    /// <summary>A StackExchange.Redis configuration string for the server: "127.0.0.1:port".</summary>
    public string ConnectionString => EndPoint.ToString();

    public async ValueTask InitializeAsync()
    {
        var redis = InstalledProgram.FindOnPath("redis-server");
        if (redis is null)
        {
            _unavailable = "'redis-server' is not on PATH: the tests that share a Data Protection key ring through Redis cannot run (Debian: apt-get install redis-server).";
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _directory = Directory.CreateTempSubdirectory("cookiesession-redis-");

        // The port is free when we look and taken by redis-server a moment later: another process can take it in
        // between, so a server that could not bind is started again on another port.
        for (var attempt = 1; ; attempt++)
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, FreeLoopbackPort());
            _process = await StartAsync(redis, endPoint);
            if (await WaitForPingAsync(_process, endPoint))
            {
                _endPoint = endPoint;
                return;
            }

            var failure = _process.HasExited
                ? $"redis-server ({redis}) exited with code {_process.ExitCode} before answering PING on {endPoint}"
                : $"redis-server ({redis}) did not answer PING on {endPoint} within {StartTimeout.TotalSeconds:0} s";
            KillServer();
            if (attempt == StartAttempts || !Output().Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{failure}. Its output:\n{Output()}");
            }
        }
    }

    /// <summary>Skips the test when redis-server is missing, or fails it under CI.</summary>
    public void RequireRedis() => MissingComponent.SkipOrFail(_unavailable);

    /// <summary>
    /// A new client connection, as a separate server of the app would have; the caller disposes it. With
    /// <paramref name="abortOnConnectFail"/> false (<c>abortConnect=false</c>), as an application that must start while
    /// Redis is down connects: it returns at once and keeps reconnecting.
    /// </summary>
    public async Task<ConnectionMultiplexer> ConnectAsync(bool abortOnConnectFail = true)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { EndPoint },
            AbortOnConnectFail = abortOnConnectFail,
            ConnectTimeout = 5000,
            ConnectRetry = abortOnConnectFail ? 3 : 1,
            ClientName = "cookiesession-tests",
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Kills the server, as an outage does: its clients' connections drop. <see cref="RestartAsync"/> brings it back.</summary>
    public void Stop()
    {
        RequireRedis();
        KillServer();
    }

    /// <summary>
    /// Starts the server again on the same port, ready once it answers PING, holding what a <c>SAVE</c> command wrote to
    /// its directory before it stopped (else empty: it saves nothing by itself).
    /// </summary>
    public async Task RestartAsync()
    {
        RequireRedis();
        var redis = InstalledProgram.FindOnPath("redis-server")!;
        _process = await StartAsync(redis, _endPoint!);
        if (!await WaitForPingAsync(_process, _endPoint!))
        {
            throw new InvalidOperationException($"redis-server did not start again on {_endPoint}. Its output:\n{Output()}");
        }
    }

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        KillServer();
        _release.Set();
        try
        {
            _directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is not worth failing the run for.
        }

        return ValueTask.CompletedTask;
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillServer();

    private void KillServer()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    private Task<Process> StartAsync(string redis, IPEndPoint endPoint)
    {
        var setpriv = OperatingSystem.IsLinux() ? InstalledProgram.FindOnPath("setpriv") : null;
        var start = new ProcessStartInfo(setpriv ?? redis)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setpriv is not null)
        {
            start.ArgumentList.Add("--pdeathsig");
            start.ArgumentList.Add("KILL");
            start.ArgumentList.Add(redis);
        }

        foreach (var argument in new[]
        {
            "--port", endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", endPoint.Address.ToString(),
            "--protected-mode", "yes",
            "--save", "",
            "--appendonly", "no",
            "--dir", _directory!.FullName,
            "--daemonize", "no",
            "--logfile", "",
        })
        {
            start.ArgumentList.Add(argument);
        }

        lock (_output)
        {
            _output.Clear();
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = new Thread(() =>
        {
            try
            {
                var process = Process.Start(start)!;
                process.OutputDataReceived += (_, e) => Append(e.Data);
                process.ErrorDataReceived += (_, e) => Append(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                started.SetResult(process);
            }
            catch (Exception exception)
            {
                started.SetException(exception);
                return;
            }

            // Stay alive while the server runs: see the remarks on the class.
            _release.Wait();
        })
        {
            IsBackground = true,
            Name = "redis-server parent",
        };
        parent.Start();
        return started.Task;
    }

    private async Task<bool> WaitForPingAsync(Process process, IPEndPoint endPoint)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // Lets the output readers finish.
                return false;
            }

            try
            {
                using var client = new TcpClient();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(endPoint, timeout.Token);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        return false;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 16_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "A real redis-server";
}
