using Microsoft.AspNetCore.Http;

namespace CookieSession.Cookies;

/// <summary>
/// How long a browser keeps a cookie: its <c>Max-Age</c> and <c>Expires</c>, each absent when <see langword="null"/>.
/// The one part of a cookie's options a format may change, so that limiting it never touches the rest.
/// </summary>
internal readonly record struct CookieLifetime(TimeSpan? MaxAge, DateTimeOffset? Expires)
{
    /// <summary>The lifetime the options set.</summary>
    public static CookieLifetime Of(CookieOptions options) => new(options.MaxAge, options.Expires);
}
