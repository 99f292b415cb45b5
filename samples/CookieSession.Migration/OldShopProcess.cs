using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CookieSession.Migration;

/// <summary>
/// The old app, run as a child process. Every old app reads the same environment (<c>SESSION_SECRET</c>, <c>PORT</c>,
/// <c>HOST</c>, <c>EXIT_ON_STDIN_END=1</c>), prints <c>listening http://HOST:PORT</c> once it accepts connections, and
/// exits with code 3 when its framework cannot be loaded. It never outlives this process: disposing closes its
/// standard input, which it exits on, and kills it if it has not exited two seconds later; if this process dies, the
/// pipe closes all the same.
/// </summary>
internal sealed partial class OldShopProcess : IAsyncDisposable
{
    /// <summary>The exit code of an old app whose framework cannot be loaded.</summary>
    public const int FrameworkMissingExitCode = 3;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ILogger _logger;
    private int _disposed;

    private OldShopProcess(Process process, Uri address, ILogger logger)
    {
        _process = process;
        Address = address;
        _logger = logger;
    }

    /// <summary>Where the old app listens (loopback).</summary>
    public Uri Address { get; }

    /// <summary>Completes when the process exits, for whatever reason.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Whether it exited because this object was disposed.</summary>
    public bool Stopping => Volatile.Read(ref _disposed) != 0;

    public static async Task<OldShopProcess> StartAsync(OldShop shop, MigrationSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var start = await shop.PrepareAsync(settings, logger, cancellationToken);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["SESSION_SECRET"] = settings.Secret;
        start.Environment["PORT"] = settings.OldAppPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["HOST"] = "127.0.0.1";
        start.Environment["EXIT_ON_STDIN_END"] = "1";

        var process = Process.Start(start) ?? throw new OldShopException($"The {shop.Name} app did not start.");
        try
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                {
                    Log.OldAppError(logger, shop.Name, line);
                }
            };
            process.BeginErrorReadLine();

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (Listening().Match(line) is { Success: true } match)
                {
                    var running = new OldShopProcess(process, new Uri(match.Groups[1].Value), logger);
                    _ = running.ForwardOutputAsync(shop.Name);
                    return running;
                }

                Log.OldAppOutput(logger, shop.Name, line);
            }

            await process.WaitForExitAsync(cancellationToken);
            throw new OldShopException(process.ExitCode == FrameworkMissingExitCode
                ? $"{shop.Name} could not be loaded: {shop.InstallHint}"
                : $"The {shop.Name} app exited with code {process.ExitCode} before it listened (see its errors above).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Stop(process);
            process.Dispose();
            throw new OldShopException($"The {shop.Name} app did not say it was listening within {StartTimeout.TotalSeconds} seconds.");
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

    private async Task ForwardOutputAsync(string name)
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                Log.OldAppOutput(_logger, name, line);
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    [GeneratedRegex(@"^listening (http://\S+)$")]
    private static partial Regex Listening();

    private static partial class Log
    {
        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{App}: {Line}")]
        public static partial void OldAppOutput(ILogger logger, string app, string line);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{App}: {Line}")]
        public static partial void OldAppError(ILogger logger, string app, string line);
    }
}
