using Microsoft.Net.Http.Headers;
using HeaderSameSite = Microsoft.Net.Http.Headers.SameSiteMode;
using SameSiteMode = Microsoft.AspNetCore.Http.SameSiteMode;

namespace CookieSession.Demo.Inspection;

/// <summary>One character of a cookie changed: which cookie, its new value, and where.</summary>
internal sealed record Tampering(string CookieName, string Value, int Index);

/// <summary>
/// Changes one character of the session cookie, as someone editing their cookie would, and sends it back to the
/// browser with the attributes the library gives the session cookie, so that it replaces the real one.
/// </summary>
internal static class CookieTamperer
{
    /// <summary>
    /// The payload cookie with one letter or digit near the middle of its value changed to its neighbour (a to b, 9
    /// to 0): still a well-formed cookie, no longer the one the server wrote. Percent-escapes are left whole.
    /// <see langword="null"/> when the request brought no session cookie, or one whose value no <c>Set-Cookie</c> can
    /// send back as it is (edited by hand to hold a space, a comma, a quote, a backslash or a non-ASCII character).
    /// </summary>
    public static Tampering? Tamper(CookieInspection inspection)
    {
        if (inspection.Payload is not { Value.Length: > 0 } cookie || !IsCookieValue(cookie.Value))
        {
            return null;
        }

        var value = cookie.Value;
        for (var step = 0; step < value.Length; step++)
        {
            var i = (value.Length / 2 + step) % value.Length;
            var c = value[i];
            var insideEscape = (i >= 1 && value[i - 1] == '%') || (i >= 2 && value[i - 2] == '%');
            if (!char.IsAsciiLetterOrDigit(c) || insideEscape)
            {
                continue;
            }

            var changed = c switch
            {
                'z' => 'a',
                'Z' => 'A',
                '9' => '0',
                _ => (char)(c + 1),
            };
            return new Tampering(cookie.Name, string.Concat(value.AsSpan(0, i), [changed], value.AsSpan(i + 1)), i);
        }

        return null;
    }

    /// <summary>Whether every character is an RFC 6265 cookie-octet: what <see cref="SetCookieHeaderValue"/> accepts unquoted.</summary>
    private static bool IsCookieValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < (char)0x21 or > (char)0x7E or '"' or ',' or ';' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sets the tampered cookie with the session cookie's path, domain, HttpOnly, SameSite and Secure.</summary>
    public static void Send(HttpContext context, Tampering tampering, CookieSessionOptions options)
    {
        var cookie = options.Cookie;
        var header = new SetCookieHeaderValue(tampering.CookieName, tampering.Value)
        {
            Path = string.IsNullOrEmpty(cookie.Path) ? "/" : cookie.Path,
            Domain = string.IsNullOrEmpty(cookie.Domain) ? null : cookie.Domain,
            HttpOnly = cookie.HttpOnly,
            SameSite = cookie.SameSite switch
            {
                SameSiteMode.Strict => HeaderSameSite.Strict,
                SameSiteMode.Lax => HeaderSameSite.Lax,
                SameSiteMode.None => HeaderSameSite.None,
                _ => HeaderSameSite.Unspecified,
            },
            Secure = cookie.SecurePolicy == CookieSecurePolicy.Always
                || (cookie.SecurePolicy == CookieSecurePolicy.SameAsRequest && context.Request.IsHttps),
        };

        // Written as it travels: Response.Cookies would percent-encode the value a second time.
        context.Response.Headers.Append(HeaderNames.SetCookie, header.ToString());
    }
}
