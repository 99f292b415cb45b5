using Microsoft.AspNetCore.Http;

namespace CookieSession.Formats;

/// <summary>
/// How a session's JSON travels in cookies: read and verified from the request, sealed and written to the
/// response, or deleted. The session and its lifecycle know JSON and <see cref="SessionTimes"/> only; everything
/// about the wire (prefixes, signatures, encryption, encodings, how many cookies) lives behind this boundary, in a
/// format's codec and transport, described by its <see cref="FormatDescriptor"/> (<see cref="WireFormat"/>).
/// </summary>
internal interface IWireFormat
{
    /// <summary>
    /// Finds, verifies and decodes the session cookie. Reports what it refuses as a rejection; whatever it
    /// throws is caught by the session and treated as a malformed cookie.
    /// </summary>
    SessionCookieReadResult Read(HttpRequest request);

    /// <summary>
    /// Seals and appends the session's JSON (UTF-8, as <c>JSON.stringify</c> writes it) and its times, with these
    /// cookie options. Throws <see cref="CookieSessionTooLargeException"/> when it cannot be written whole.
    /// <paramref name="replacing"/>: the request's <see cref="SessionCookieReadResult.FirstReadOfWritten"/>, if any.
    /// </summary>
    /// <returns>What the cache stored of the value written, for <see cref="TakeBack"/>; <see langword="null"/> for nothing.</returns>
    VerifiedCookieCache.Entry? Write(HttpResponse response, ReadOnlySpan<byte> json, SessionTimes times, CookieOptions options, VerifiedCookieCache.Entry? replacing);

    /// <summary>
    /// Appends what deletes every cookie of the session: the same names, path and domain, expired in 1970.
    /// <paramref name="replacing"/>: the request's <see cref="SessionCookieReadResult.FirstReadOfWritten"/>, if any.
    /// </summary>
    void Delete(HttpResponse response, CookieOptions options, VerifiedCookieCache.Entry? replacing);

    /// <summary>
    /// A write whose headers were taken out before the response started (its commit taken back): what the cache stored
    /// of its value (what <see cref="Write"/> returned) goes, as no browser received it.
    /// </summary>
    void TakeBack(VerifiedCookieCache.Entry? written);
}
