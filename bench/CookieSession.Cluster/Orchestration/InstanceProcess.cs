using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CookieSession.Cluster.Instance;

namespace CookieSession.Cluster.Orchestration;

/// <summary>
/// One instance as a process of its own (this program with "instance"), on a fixed port so that the front door's
/// destination stays the same across restarts; and the direct, loopback calls the orchestrator makes to it.
/// </summary>
internal sealed class InstanceProcess(string name, int port, string redis, string directory) : IDisposable
{
    // The orchestrator's own client to the instance, never through the front door.
    private static readonly HttpClient Direct = new(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private ChildProcess? _process;

    public string Name { get; } = name;

    public Uri Address { get; } = new("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) + "/");

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        var self = typeof(InstanceProcess).Assembly.Location;
        var (file, prefix) = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? (host, new[] { self })
            : (Environment.ProcessPath!, Array.Empty<string>());
        _process = ChildProcess.Start(
            file,
            [.. prefix, "instance", "--port", port.ToString(CultureInfo.InvariantCulture), "--redis", redis, "--name", Name],
            Path.Combine(directory, Name + ".log"));
    }

    /// <summary>Waits until the instance answers its readiness check; false if it exited or did not within the timeout.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (!IsRunning)
            {
                return false;
            }

            try
            {
                using var response = await Direct.GetAsync(new Uri(Address, "healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>Graceful stop (SIGTERM): how long it took, or <see langword="null"/> if it had to be killed.</summary>
    public async Task<TimeSpan?> StopAsync()
    {
        var stopped = _process is null ? TimeSpan.Zero : await _process.StopAsync(TimeSpan.FromSeconds(30));
        _process?.Dispose();
        _process = null;
        return stopped;
    }

    public async Task<IReadOnlyList<KeyAdministration.KeyView>> GetKeysAsync()
        => await Direct.GetFromJsonAsync<KeyAdministration.KeyView[]>(new Uri(Address, "admin/keys")) ?? [];

    public async Task<Guid> CreateKeyAsync()
    {
        using var response = await Direct.PostAsync(new Uri(Address, "admin/keys/new"), content: null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<Guid>();
    }

    public async Task RevokeKeyAsync(Guid id)
    {
        using var response = await Direct.PostAsync(new Uri(Address, $"admin/keys/{id}/revoke"), content: null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The counter a cookie holds as this instance reads it (0 when refused), the status, and whether the answer set or
    /// deleted the cookie.
    /// </summary>
    public async Task<(int Status, string Body, bool TouchedCookie)> PeekAsync(string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Address, "peek"));
        request.Headers.Add("Cookie", cookie);
        using var response = await Direct.SendAsync(request);
        var touched = response.Headers.TryGetValues("Set-Cookie", out var set)
            && set.Any(c => c.StartsWith(Load.SessionJar.CookieName + "=", StringComparison.Ordinal));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), touched);
    }

    /// <summary>
    /// The id of the Data Protection key a new session's cookie on this instance wraps its data key with: what the
    /// instance seals with, which may differ from Data Protection's own default key.
    /// </summary>
    public async Task<Guid?> SealedKeyIdAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Address, "count"));
        using var response = await Direct.SendAsync(request);
        var prefix = Load.SessionJar.CookieName + "=";
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.FirstOrDefault(c => c.StartsWith(prefix, StringComparison.Ordinal)) : null;
        if (cookie is null)
        {
            return null;
        }

        var value = cookie[prefix.Length..].Split(';')[0];
        var bytes = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(value);
        var wrappedLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(1));
        return wrappedLength >= 20 ? new Guid(bytes.AsSpan(3 + 4, 16)) : null;
    }

    /// <summary>The exception that ended the instance (or else the first its log names), shortened: why it stopped, if it did.</summary>
    public string? FirstException()
    {
        var path = Path.Combine(directory, Name + ".log");
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        var line = lines.FirstOrDefault(l => l.StartsWith("Unhandled exception.", StringComparison.Ordinal))
            ?? lines.FirstOrDefault(l => l.Contains("Exception", StringComparison.Ordinal));
        return line is null ? null : line.Trim()[..Math.Min(line.Trim().Length, 200)];
    }

    public void Dispose() => _process?.Dispose();
}
