using System.Net;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Passes cookies between servers as a browser on one domain would: it keeps what Set-Cookie gives, as
/// given, drops what expires, and sends the rest back to whichever server it talks to next.
/// </summary>
internal sealed class Browser : IDisposable
{
    private readonly HttpClient _client;
    private readonly Dictionary<string, string> _jar = new(StringComparer.Ordinal);

    public Browser()
        : this(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
    {
    }

    /// <summary>A browser over another transport, such as a test server's handler, that follows no redirect and keeps no cookie itself.</summary>
    public Browser(HttpMessageHandler handler) => _client = new HttpClient(handler);

    public IReadOnlyDictionary<string, string> Cookies => _jar;

    public async Task<Response> GetAsync(Uri server, string path) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(server, path)));

    /// <summary>A GET with <c>X-Peer-Now</c>: the clock a peer that honours it (the Rails peer) reads for this request.</summary>
    public async Task<Response> GetAtAsync(Uri server, string path, DateTimeOffset peerNow)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, path));
        request.Headers.Add("X-Peer-Now", peerNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await SendAsync(request);
    }

    public async Task<Response> PostAsync(Uri server, string path, string json)
        => await SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        });

    /// <summary>Posts a form, urlencoded, as a browser submits one.</summary>
    public async Task<Response> PostFormAsync(Uri server, string path, IReadOnlyDictionary<string, string> fields)
        => await SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Content = new FormUrlEncodedContent(fields),
        });

    /// <summary>Adds the cookies of a <c>Cookie</c> request header (<c>a=1; b=2</c>), as if earlier responses had set them.</summary>
    public void AddCookies(string cookieHeader)
    {
        foreach (var pair in cookieHeader.Split("; "))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            _jar[pair[..equals]] = pair[(equals + 1)..];
        }
    }

    /// <summary>Replaces the jar, as when another browser (or an older copy of a cookie) arrives.</summary>
    public void Restore(IReadOnlyDictionary<string, string> cookies)
    {
        _jar.Clear();
        foreach (var (name, value) in cookies)
        {
            _jar[name] = value;
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<Response> SendAsync(HttpRequestMessage request)
    {
        if (_jar.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", _jar.Select(c => $"{c.Key}={c.Value}")));
        }

        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var setCookies = response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? values.ToList() : [];
        foreach (var header in setCookies)
        {
            var cookie = SetCookieHeaderValue.Parse(header);
            var expired = cookie.Expires is { } expires && expires <= DateTimeOffset.UtcNow || cookie.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero;
            if (expired)
            {
                _jar.Remove(cookie.Name.Value!);
            }
            else
            {
                _jar[cookie.Name.Value!] = cookie.Value.Value!;
            }
        }

        return new Response(response.StatusCode, body, setCookies);
    }

    internal sealed record Response(HttpStatusCode Status, string Body, IReadOnlyList<string> SetCookies);
}
