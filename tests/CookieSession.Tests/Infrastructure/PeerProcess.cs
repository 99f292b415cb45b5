using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// A peer server the interop tests run as a process of its own (a Node, Rails, Flask or Django app): it binds a free
/// loopback port itself and is ready once it prints <c>listening PORT</c> on standard output. What it writes to
/// standard error is kept for the message when it does not start. Disposing it closes its standard input, on which
/// every peer exits, and kills it with its children if it is still running after a grace period.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    /// <summary>The line a peer prints once it listens, followed by its port.</summary>
    public const string ListeningPrefix = "listening ";

    private const int MaxErrors = 16_000;

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly TimeSpan _stopGrace;

    private PeerProcess(Process process, TimeSpan stopGrace)
    {
        _process = process;
        _stopGrace = stopGrace;
    }

    /// <summary>The peer's address: <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// Starts <paramref name="start"/> (its arguments in <see cref="ProcessStartInfo.ArgumentList"/>; its standard
    /// streams are redirected here) and waits until it says it listens. One that exits first, or is not listening
    /// within <paramref name="startTimeout"/>, is stopped and throws, with what it wrote to standard error.
    /// </summary>
    /// <param name="name">The peer, as the failure message names it ("the Rails peer").</param>
    /// <param name="start">What to run, with its environment and working directory.</param>
    /// <param name="startTimeout">How long it may take to listen.</param>
    /// <param name="stopGrace">How long it has to exit once its standard input is closed; two seconds by default.</param>
    public static async Task<PeerProcess> StartAsync(string name, ProcessStartInfo start, TimeSpan startTimeout, TimeSpan? stopGrace = null)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        var peer = new PeerProcess(Process.Start(start)!, stopGrace ?? TimeSpan.FromSeconds(2));
        try
        {
            peer._process.ErrorDataReceived += (_, e) => peer.AppendError(e.Data);
            peer._process.BeginErrorReadLine();
            if (await peer.WaitForPortAsync(startTimeout) is not { } port)
            {
                throw new InvalidOperationException($"{name} exited before it listened (exit code {peer.ExitCode()}):\n{peer.Errors()}");
            }

            peer.Address = new Uri($"http://127.0.0.1:{port}/");
            _ = DrainAsync(peer._process.StandardOutput);
            return peer;
        }
        catch (OperationCanceledException)
        {
            await peer.DisposeAsync();
            throw new InvalidOperationException($"{name} was not listening within {startTimeout.TotalSeconds:0} s:\n{peer.Errors()}");
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(_stopGrace);
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task<int?> WaitForPortAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (await _process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                return int.Parse(line[ListeningPrefix.Length..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    // Read on after the port so that a peer writing to standard output never blocks on a full pipe.
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

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);

            // Kill only sends the signal: wait, so that the peer is gone once dispose returns.
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private string ExitCode()
    {
        if (!_process.WaitForExit(5000))
        {
            return "none yet";
        }

        // The overload without a timeout also waits for standard error to be read to its end, for the message.
        _process.WaitForExit();
        return _process.ExitCode.ToString(CultureInfo.InvariantCulture);
    }

    private void AppendError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errors)
        {
            if (_errors.Length < MaxErrors)
            {
                _errors.AppendLine(line);
            }
        }
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.ToString();
        }
    }
}
