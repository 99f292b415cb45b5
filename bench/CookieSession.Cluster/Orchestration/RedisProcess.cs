using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CookieSession.Cluster.Orchestration;

/// <summary>
/// The key store: a redis-server of the run's own on a fixed loopback port, with an append-only file in the run's
/// folder so that stopping and starting it again (the outage scenario) keeps the key ring, as a production Redis does.
/// </summary>
internal sealed class RedisProcess(int port, string directory) : IDisposable
{
    private ChildProcess? _process;

    public string EndPoint { get; } = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    public async Task StartAsync()
    {
        _process = ChildProcess.Start(
            "redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
             "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no"],
            Path.Combine(directory, "redis.log"));
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"redis-server did not answer PING on {EndPoint}; see {directory}/redis.log");
    }

    /// <summary>SIGTERM: Redis writes its append-only file and exits; its clients' connections fail at once.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(10));
            _process.Dispose();
            _process = null;
        }
    }

    public void Dispose() => _process?.Dispose();

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
