using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Formats.Transports;

/// <summary>
/// How a codec's value travels in cookies: which cookies carry it, how they are encoded, split, signed as they
/// travel and deleted. Knows nothing of what the value means; the codec (<see cref="ISessionCodec"/>) does.
/// </summary>
internal interface ICookieTransport
{
    /// <summary>
    /// Finds the value in the request's cookies, without verifying it: missing, refused for its shape (chunks, size),
    /// or the value as it travels with, for a transport that signs, its signature.
    /// </summary>
    CarriedValue Read(StringValues cookies);

    /// <summary>
    /// Verifies what the transport itself adds (a signature of the cookie as it travels), run only when the value is
    /// not already known to be verified; <paramref name="olderKey"/> says an older key signed it.
    /// </summary>
    SessionCookieRejection Verify(ReadOnlySpan<char> value, ReadOnlySpan<char> signature, out bool olderKey);

    /// <summary>
    /// Appends the codec's value (cookie octets) with these options, and returns it as the request will carry it back
    /// (the key of the cache of verified values), or nothing for <see cref="CarriedText.Value"/> when it went in chunks
    /// or was withheld (which <see cref="CarriedText.Withheld"/> then says).
    /// </summary>
    /// <exception cref="CookieSessionTooLargeException">The value cannot be written whole.</exception>
    CarriedText Write(HttpResponse response, ReadOnlySpan<byte> value, CookieOptions options);

    /// <summary>
    /// What a value this transport verified stays verified under (its signer's secrets in force), as an identity for the
    /// cache of verified values; <see langword="null"/> for a transport that verifies nothing. Default: none.
    /// </summary>
    object? Generation => null;

    /// <summary>Appends what deletes every cookie of the session: the same names, path and domain, expired in 1970.</summary>
    void Delete(HttpResponse response, CookieOptions options);
}
