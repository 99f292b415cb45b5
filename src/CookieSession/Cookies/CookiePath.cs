using Microsoft.AspNetCore.Http;

namespace CookieSession.Cookies;

/// <summary>
/// RFC 6265 section 5.1.4 path-match: whether a browser sends a cookie with this path on a request to
/// that path. Unlike a plain prefix test, <c>/admin</c> does not match <c>/administrator</c>.
/// </summary>
internal static class CookiePath
{
    public static bool Matches(HttpRequest request, string cookiePath)
    {
        // The default path: every request, without asking the request for its path.
        if (cookiePath.Length == 0 || cookiePath == "/")
        {
            return true;
        }

        // The browser sees the whole path: the base the app is mounted on and the rest.
        var pathBase = request.PathBase;
        var path = request.Path;
        var requestPath = pathBase.HasValue ? pathBase.Add(path).Value! : path.Value;
        return Matches(string.IsNullOrEmpty(requestPath) ? "/" : requestPath, cookiePath);
    }

    public static bool Matches(string requestPath, string cookiePath)
    {
        if (!requestPath.StartsWith(cookiePath, StringComparison.Ordinal))
        {
            return false;
        }

        return requestPath.Length == cookiePath.Length
            || cookiePath[^1] == '/'
            || requestPath[cookiePath.Length] == '/';
    }
}
