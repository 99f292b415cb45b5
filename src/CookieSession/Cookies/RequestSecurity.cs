using Microsoft.AspNetCore.Http;

namespace CookieSession.Cookies;

/// <summary>
/// Whether a request came over TLS: directly, or, when the proxy is trusted, as the first value of
/// <c>X-Forwarded-Proto</c> says (trimmed, compared without case: <c>"https, http"</c> is TLS,
/// <c>"http, https"</c> is not).
/// </summary>
internal static class RequestSecurity
{
    public static bool IsTls(HttpRequest request, bool trustProxy)
    {
        if (request.IsHttps)
        {
            return true;
        }

        if (!trustProxy)
        {
            return false;
        }

        var values = request.Headers["X-Forwarded-Proto"];
        if (values.Count == 0)
        {
            return false;
        }

        var first = values[0].AsSpan();
        var comma = first.IndexOf(',');
        if (comma >= 0)
        {
            first = first[..comma];
        }

        return first.Trim().Equals("https", StringComparison.OrdinalIgnoreCase);
    }
}
