using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Cookies;

/// <summary>What a response that depends on, or carries, the session cookie must tell caches.</summary>
internal static class CachingHeaders
{
    /// <summary>The <c>Cache-Control</c> a response carrying the cookie gets; one instance, so that finding it again costs a comparison.</summary>
    private const string NotStorable = "no-cache, no-store";

    /// <summary>Says that the response depends on the request's cookies, unless <c>Vary</c> already lists them (or <c>*</c>).</summary>
    public static void AddVaryCookie(HttpResponse response)
    {
        var headers = response.Headers;
        var vary = headers.Vary;
        if (vary.Count == 0)
        {
            headers.Vary = HeaderNames.Cookie;
            return;
        }

        if (!Lists(vary, HeaderNames.Cookie) && !Lists(vary, "*"))
        {
            headers.Vary = StringValues.Concat(vary, HeaderNames.Cookie);
        }
    }

    /// <summary>
    /// A response carrying one user's session cookie must never be stored by a shared cache and served to
    /// others. Unless the application already forbade that (<c>no-store</c> or <c>private</c>), say so.
    /// </summary>
    /// <returns>What the headers were when they were changed, to put back if the cookie is taken back; none when unchanged.</returns>
    public static CachingHeadersBefore? MakeNotStorableBySharedCaches(HttpResponse response)
    {
        var headers = response.Headers;
        var cacheControl = headers.CacheControl;
        if ((cacheControl.Count == 1 && ReferenceEquals(cacheControl[0], NotStorable))
            || Lists(cacheControl, "no-store") || Lists(cacheControl, "private"))
        {
            return null;
        }

        var before = new CachingHeadersBefore(cacheControl, headers.Pragma);
        headers.CacheControl = NotStorable;
        headers.Pragma = "no-cache";
        return before;
    }

    /// <summary>The caching headers a response had before the session's cookie made it not storable.</summary>
    public readonly record struct CachingHeadersBefore(StringValues CacheControl, StringValues Pragma)
    {
        public void PutBack(HttpResponse response)
        {
            response.Headers.CacheControl = CacheControl;
            response.Headers.Pragma = Pragma;
        }
    }

    /// <summary>
    /// Whether a comma-separated header lists <paramref name="token"/> as an entry (a directive's name before any
    /// <c>=</c>), case-insensitively: <c>Vary: Set-Cookie</c> does not list <c>Cookie</c>.
    /// </summary>
    public static bool Lists(StringValues header, string token)
    {
        foreach (var value in header)
        {
            var rest = value.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var entry = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? default : rest[(comma + 1)..];
                var equals = entry.IndexOf('=');
                if (equals >= 0)
                {
                    entry = entry[..equals];
                }

                if (entry.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
