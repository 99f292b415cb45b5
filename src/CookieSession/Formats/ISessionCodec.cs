using CookieSession.Cookies;
using CookieSession.Json;

namespace CookieSession.Formats;

/// <summary>
/// A format's value, without HTTP: one cookie value, as its transport hands it over (whole, chunks joined, not
/// percent-decoded), to the session's verified JSON and times, and back. Which cookies carry the value, how they are
/// encoded, split, signed as they travel and deleted belong to the transport (<see cref="Transports.ICookieTransport"/>),
/// and the cache of verified values to the layer around both (<see cref="WireFormat"/>), not to the codec.
/// </summary>
/// <remarks>
/// The members beyond <see cref="Decode"/> and <see cref="Encode"/> have defaults, so that a codec states only what it
/// needs: whether its values may be cached (and what a cached one must be rechecked against), and how long its cookie
/// should live.
/// </remarks>
internal interface ISessionCodec
{
    /// <summary>
    /// Verifies and opens a value: <see cref="SessionCookieReadResult.Verified"/> with the JSON and the times the value
    /// carries, or a rejection saying why. Never throws for any input; what it throws anyway is read as malformed.
    /// </summary>
    SessionCookieReadResult Decode(ReadOnlySpan<char> value);

    /// <summary>
    /// Seals the session's JSON (UTF-8, as <c>JSON.stringify</c> writes it) and its times into the value the transport
    /// sends (cookie octets, which the transport encodes as it carries them), appended to <paramref name="value"/>.
    /// </summary>
    void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value);

    /// <summary>
    /// Whether the cache of verified values may hand out again a value this codec verified or wrote, and under which
    /// <paramref name="generation"/> (what must stay the same object for a cached value to stand, such as Data
    /// Protection's key ring; <see langword="null"/> for none). Default: never, so that a codec whose values expire
    /// is not served stale until it opts in and rechecks them in <see cref="Recheck"/>.
    /// </summary>
    bool CanCache(out object? generation)
    {
        generation = null;
        return false;
    }

    /// <summary>
    /// What a value found in the cache is worth now: what time changes (an expiry, a lifetime) checked as
    /// <see cref="Decode"/> would. Default: the cached result as it is.
    /// </summary>
    SessionCookieReadResult Recheck(ReadOnlySpan<char> value, SessionCookieReadResult cached) => cached;

    /// <summary>
    /// Whether the value <see cref="Encode"/> wrote for <paramref name="json"/> decodes to that same JSON, so that the cache
    /// may keep it as written, and its <see cref="SessionCookieReadResult.Expires"/> as <see cref="Decode"/> would give it.
    /// Default: the same JSON, no such expiry.
    /// </summary>
    bool CachesWritten(ReadOnlySpan<byte> json, SessionTimes times, out DateTimeOffset? expires)
    {
        expires = null;
        return true;
    }

    /// <summary>
    /// The times the value <see cref="Encode"/> wrote with <paramref name="times"/> carries, as <see cref="Decode"/> would
    /// give them (to the precision the value keeps), so that a value this process wrote reads from the cache as it would
    /// on a miss. Default: none, for a value that carries no time.
    /// </summary>
    SessionTimes? CarriedTimes(SessionTimes times) => null;

    /// <summary>
    /// The cookie's lifetime (<c>Max-Age</c> and <c>Expires</c>) as this format sets or caps it, from the lifetime the
    /// options give, so that a browser keeps the cookie no longer than its value is accepted (or as long as the peer's
    /// framework sets it). Only the lifetime: the rest of the options are the application's. Default: as given.
    /// </summary>
    CookieLifetime LimitLifetime(CookieLifetime lifetime, SessionTimes times) => lifetime;

    /// <summary>
    /// Whether <see cref="LimitLifetime"/> may change the lifetime it is given, so that a codec that never does costs
    /// nothing on a write. Default: no.
    /// </summary>
    bool LimitsLifetime => false;
}
