using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace CookieSession.Cluster.Load;

/// <summary>
/// The load: <c>workers</c> concurrent loops, each owning its share of <c>sessions</c> users and sending each user's
/// next <c>GET /count</c> in turn through the front door, so that every session is used by one request at a time and
/// round robin moves it to another instance on every request. Each answer is checked against the counter the session
/// should be at.
/// </summary>
internal sealed class LoadClient(Uri front, int sessions, int workers)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        Timeout = RequestTimeout,
    };

    private readonly ConcurrentDictionary<Guid, bool> _revoked = new();
    private readonly Stopwatch _clock = new();

    public LoadFigures Figures { get; } = new();

    /// <summary>Seconds since the load began.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>From now on, a session that comes back empty while its cookie is under this key counts as refused, not lost.</summary>
    public void KeyRevoked(Guid id) => _revoked[id] = true;

    public async Task RunAsync(CancellationToken stop)
    {
        _clock.Start();
        var jars = Enumerable.Range(0, sessions).Select(_ => new SessionJar()).ToArray();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(jars.Where((_, i) => i % workers == w).ToArray(), stop))));
    }

    /// <summary>A new session through the front door, kept aside (not part of the load): its cookie, at counter 1.</summary>
    public async Task<SessionJar> NewSessionAsync()
    {
        var jar = new SessionJar();
        using var response = await _client.GetAsync(new Uri(front, "count"));
        response.EnsureSuccessStatusCode();
        jar.Apply(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : []);
        jar.Count = int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
        return jar.Cookie is not null ? jar : throw new InvalidOperationException("the first answer set no session cookie");
    }

    private async Task WorkAsync(SessionJar[] jars, CancellationToken stop)
    {
        var log = Figures.NewWorkerLog();
        var uri = new Uri(front, "count");
        for (var i = 0; !stop.IsCancellationRequested; i = (i + 1) % jars.Length)
        {
            var jar = jars[i];
            var start = _clock.Elapsed;
            var outcome = await SendAsync(jar, uri);
            log.Add(new LoadFigures.Sample(start.TotalSeconds, (_clock.Elapsed - start).TotalMilliseconds, outcome));
        }
    }

    private async Task<Outcome> SendAsync(SessionJar jar, Uri uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (jar.Cookie is { } cookie)
        {
            request.Headers.Add("Cookie", cookie);
        }

        var keyBefore = jar.KeyId;
        try
        {
            using var response = await _client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var setCookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [];
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                // The cookie is the user's session: an error answer must leave it as it was.
                if (jar.Apply(setCookies))
                {
                    Figures.CookieChangedByError();
                }

                Figures.Count(Outcome.Non2xx, status);
                return Outcome.Non2xx;
            }

            jar.Apply(setCookies);
            var count = int.Parse(body, CultureInfo.InvariantCulture);
            var expected = jar.Count + 1;
            jar.Count = count;
            var outcome = count == expected ? Outcome.Ok
                : count != 1 ? Outcome.Skipped
                : keyBefore is { } key && _revoked.ContainsKey(key) ? Outcome.RefusedUnderRevokedKey
                : Outcome.Lost;
            Figures.Count(outcome);
            return outcome;
        }
        catch (HttpRequestException)
        {
            Figures.Count(Outcome.TransportError);
            return Outcome.TransportError;
        }
        catch (TaskCanceledException)
        {
            Figures.Count(Outcome.Timeout);
            return Outcome.Timeout;
        }
    }
}
