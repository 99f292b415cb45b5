using System.Security.Cryptography;
using System.Text;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// Signs values the way Node's cookie-signature does, written here from the specification rather than
/// through the library, so that tests do not check the library against itself.
/// </summary>
internal static class TestSigning
{
    public static string Mac(string value, string secret)
        => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(value))).TrimEnd('=');

    /// <summary>"s:" + value + "." + mac, percent-encoded as Node writes it.</summary>
    public static string SignedCookieValue(string value, string secret = SessionTestHost.Secret)
        => Uri.EscapeDataString("s:" + value + "." + Mac(value, secret));

    /// <summary>A session cookie for the Cookie header, carrying <paramref name="json"/>.</summary>
    public static string SessionCookie(string json, string secret = SessionTestHost.Secret)
        => CookieSessionDefaults.CookieName + "=" + SignedCookieValue("j:" + json, secret);

    /// <summary>The JSON inside a session cookie value as Set-Cookie carried it, after checking its signature.</summary>
    public static string JsonOf(string setCookieValue, string secret = SessionTestHost.Secret)
    {
        var value = Uri.UnescapeDataString(setCookieValue);
        Assert.StartsWith("s:j:", value, StringComparison.Ordinal);
        var dot = value.LastIndexOf('.');
        var payload = value[2..dot];
        Assert.Equal(Mac(payload, secret), value[(dot + 1)..]);
        return payload[2..];
    }
}
