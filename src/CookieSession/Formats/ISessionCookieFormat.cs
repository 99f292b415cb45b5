using Microsoft.AspNetCore.Http;

namespace CookieSession.Formats;

/// <summary>
/// How a session's JSON travels in cookies: read and verified from the request, signed and written to
/// the response, or deleted. The middleware and the session know JSON only; everything about the wire
/// (prefixes, signatures, encodings, how many cookies) lives behind this boundary.
/// </summary>
internal interface ISessionCookieFormat
{
    /// <summary>Finds, verifies and decodes the session cookie. Never throws for any request content.</summary>
    SessionCookieReadResult Read(HttpRequest request);

    /// <summary>
    /// Signs and appends the session's JSON (UTF-8, as <c>JSON.stringify</c> writes it) with these cookie options.
    /// Throws <see cref="CookieSessionTooLargeException"/> when the cookie would exceed the browser limit.
    /// </summary>
    void Write(HttpResponse response, ReadOnlySpan<byte> json, CookieOptions options);

    /// <summary>Appends what deletes the session cookie: the same name, path and domain, expired in 1970.</summary>
    void Delete(HttpResponse response, CookieOptions options);
}
