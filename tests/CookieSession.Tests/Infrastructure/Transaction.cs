using System.Net;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Tests.Infrastructure;

/// <summary>One request and what came back: status, body, and the Set-Cookie headers parsed.</summary>
internal sealed class Transaction
{
    public Transaction(HttpResponseMessage response, string body)
    {
        Response = response;
        Body = body;
        SetCookieHeaders = response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? values.ToList() : [];
        SetCookies = SetCookieHeaderValue.ParseList(SetCookieHeaders.ToList()).ToList();
    }

    public HttpResponseMessage Response { get; }

    public HttpStatusCode Status => Response.StatusCode;

    public string Body { get; }

    public IReadOnlyList<string> SetCookieHeaders { get; }

    public IReadOnlyList<SetCookieHeaderValue> SetCookies { get; }

    /// <summary>The only Set-Cookie for the session cookie, or null when none was sent.</summary>
    public SetCookieHeaderValue? SessionCookie(string name = CookieSessionDefaults.CookieName)
        => SetCookies.SingleOrDefault(c => c.Name.Value == name);

    /// <summary>What a browser sends back: name=value as it came.</summary>
    public string CookieToSend(string name = CookieSessionDefaults.CookieName)
    {
        var cookie = SessionCookie(name) ?? throw new InvalidOperationException($"No Set-Cookie for {name}.");
        return $"{cookie.Name}={cookie.Value}";
    }

    public string? Header(string name)
        => Response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
            : Response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content) : null;
}
