using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Talks to the Flask peer by hand: sends the session cookie it is given (or none) and returns what Flask answered and
/// what it did to the cookie, so that a test decides which side's cookie the next request carries.
/// </summary>
internal sealed class FlaskClient(Uri peer) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = peer };

    /// <summary>A GET (no body) or POST (JSON body) to the peer; <paramref name="clockOffset"/> moves Flask's clock.</summary>
    public async Task<FlaskAnswer> SendAsync(string path, string? cookie, object? body = null, TimeSpan? clockOffset = null, bool post = true)
    {
        using var request = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", "session=" + cookie);
        }

        if (clockOffset is { } offset)
        {
            request.Headers.Add("X-Clock-Offset", ((long)offset.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (post)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body ?? new { }), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Flask answered {(int)response.StatusCode}: {text}");
        string? setCookie = null;
        var deleted = false;
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values.Where(v => v.StartsWith("session=", StringComparison.Ordinal)))
            {
                var cookieValue = value["session=".Length..].Split(';')[0];
                deleted = cookieValue.Length == 0 || value.Contains("Expires=Thu, 01 Jan 1970", StringComparison.Ordinal);
                setCookie = deleted ? null : cookieValue;
            }
        }

        return new FlaskAnswer(JsonNode.Parse(text), setCookie, deleted);
    }

    /// <summary>What Flask loaded from the cookie, each tagged type named (see app.py's <c>plain</c>).</summary>
    public async Task<JsonObject> ReadAsync(string? cookie, TimeSpan? clockOffset = null)
        => (await SendAsync("session", cookie, clockOffset: clockOffset, post: false)).Body!.AsObject();

    public void Dispose() => _http.Dispose();
}

/// <summary>Flask's answer: its JSON, and the session cookie it set (<see langword="null"/> when it set none or deleted it).</summary>
internal sealed record FlaskAnswer(JsonNode? Body, string? SetCookie, bool Deleted);
