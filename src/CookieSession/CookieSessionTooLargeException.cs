namespace CookieSession;

/// <summary>
/// Thrown when the session cookie would exceed the size browsers accept (4096 bytes a cookie), or a chunked session
/// the size a proxy accepts in one request header (<see cref="CookieSessionOptions.MaxChunkedSize"/>). Browsers and
/// proxies drop such a cookie without a word, and with it the user's session, so the middleware refuses to write it instead.
/// </summary>
public sealed class CookieSessionTooLargeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="cookieName">The name of the cookie.</param>
    /// <param name="size">The size of the <c>Set-Cookie</c> (name, value and attributes), in bytes.</param>
    /// <param name="limit">The largest size accepted, in bytes.</param>
    public CookieSessionTooLargeException(string cookieName, int size, int limit)
        : base($"The cookie '{cookieName}' would be {size} bytes (name, value and attributes), over the limit of {limit} bytes; it was not written, as a browser or proxy would drop it. Store less in it, or use a format that splits a large session over several cookies (Protected, or IronSession) up to CookieSessionOptions.MaxChunkedSize.")
    {
        CookieName = cookieName;
        Size = size;
        Limit = limit;
    }

    /// <summary>The name of the cookie.</summary>
    public string CookieName { get; }

    /// <summary>The size the <c>Set-Cookie</c> would have had, in bytes.</summary>
    public int Size { get; }

    /// <summary>The largest size accepted, in bytes.</summary>
    public int Limit { get; }
}
