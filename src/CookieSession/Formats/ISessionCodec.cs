using CookieSession.Json;

namespace CookieSession.Formats;

/// <summary>
/// A format's value, without HTTP: one cookie value, as its transport hands it over (whole, chunks joined, not
/// percent-decoded), to the session's verified JSON and times, and back. Which cookies carry the value, how they are
/// encoded, split and deleted, and the cache of verified values belong to the transport, not to the codec.
/// </summary>
internal interface ISessionCodec
{
    /// <summary>
    /// Verifies and opens a value: <see cref="SessionCookieReadResult.Verified"/> with the JSON and the times the value
    /// carries, or a rejection saying why. Never throws for any input; what it throws anyway is read as malformed.
    /// </summary>
    SessionCookieReadResult Decode(ReadOnlySpan<char> value);

    /// <summary>
    /// Seals the session's JSON (UTF-8, as <c>JSON.stringify</c> writes it) and its times into the value the transport
    /// sends, in ASCII, appended to <paramref name="value"/>.
    /// </summary>
    void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value);
}
