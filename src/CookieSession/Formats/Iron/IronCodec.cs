using CookieSession.Cookies;
using CookieSession.Formats.Transports;
using CookieSession.Json;

namespace CookieSession.Formats.Iron;

/// <summary>
/// iron-session's value (versions 8 and 9): the session's JSON sealed with <c>@hapi/iron</c>'s seal
/// (<see cref="IronSeal"/>) under numbered passwords, plus iron-session's <c>~2</c> suffix (outside the MAC; ignored on
/// read); iron-session's chunks carry it past 4096 bytes (<see cref="IronChunkedCookie"/>). The seal's expiration is
/// iron-session's <c>ttl</c> and is enforced on read with iron's 60-second skew.
/// </summary>
internal sealed class IronCodec : ISessionCodec
{
    /// <summary>iron-session's version suffix, appended after the seal. Part of the wire format: never change it.</summary>
    public const string VersionSuffix = "~2";

    private static ReadOnlySpan<byte> VersionSuffixBytes => "~2"u8;

    /// <summary>iron-session's <c>Max-Age</c> for a ttl of 0 (no expiry): 2^31 - 1 seconds.</summary>
    private static readonly TimeSpan NoExpiryMaxAge = TimeSpan.FromSeconds(int.MaxValue);

    private readonly IronPasswordRing _passwords;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;

    public IronCodec(IronPasswordRing passwords, TimeSpan ttl, TimeProvider time)
    {
        _passwords = passwords;
        _ttl = ttl;
        _time = time;
    }

    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
        var passwords = _passwords.Current;
        var rejection = IronSeal.TryUnseal(SealOf(value), passwords, passwords.Keys, _time.GetUtcNow(), out var json, out var length, out var olderPassword);
        return rejection != SessionCookieRejection.None
            ? SessionCookieReadResult.Rejected(rejection)
            : SessionCookieReadResult.Verified(json!, 0, length, needsRenewal: olderPassword);
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
    {
        var expiration = _ttl > TimeSpan.Zero ? times.IssuedAt + _ttl : (DateTimeOffset?)null;
        var passwords = _passwords.Current;
        IronSeal.SealTo(ref value, json, passwords.Keys, passwords.CurrentIdText, expiration);
        value.Write(VersionSuffixBytes);
    }

    /// <summary>
    /// A seal's MAC covers its expiration, which is rechecked on every hit; a seal stays verified while the passwords
    /// that opened it are in force (a reload puts a new set in force, and its keys).
    /// </summary>
    public bool CanCache(out object? generation)
    {
        generation = _passwords.Current;
        return true;
    }

    /// <summary>A cached seal that expired since is read again, and refused as a fresh one would be.</summary>
    public SessionCookieReadResult Recheck(ReadOnlySpan<char> value, SessionCookieReadResult cached)
        => IsExpired(SealOf(value), _time.GetUtcNow()) ? Decode(value) : cached;

    /// <summary>Its <see cref="LimitLifetime"/> sets the cookie's lifetime.</summary>
    public bool LimitsLifetime => true;

    /// <summary>
    /// As iron-session writes it when the application sets no lifetime: ttl - 60 s (the seal outlives the cookie by
    /// iron's skew), ttl itself when that is 60 s or less, 2^31 - 1 s for no expiry.
    /// </summary>
    public CookieLifetime LimitLifetime(CookieLifetime lifetime, SessionTimes times)
        => lifetime.MaxAge is null && lifetime.Expires is null
            ? lifetime with { MaxAge = _ttl == TimeSpan.Zero ? NoExpiryMaxAge : _ttl > IronSeal.TimestampSkew ? _ttl - IronSeal.TimestampSkew : _ttl }
            : lifetime;

    /// <summary>iron-session 9 reads up to the first '~' (its version suffix) and ignores the rest.</summary>
    private static ReadOnlySpan<char> SealOf(ReadOnlySpan<char> value)
    {
        var tilde = value.IndexOf('~');
        return tilde < 0 ? value : value[..tilde];
    }

    /// <summary>
    /// Whether a seal that verified before has expired. Its expiration is its sixth part of eight: found from the end,
    /// past the MAC and its salt, rather than by splitting the whole seal.
    /// </summary>
    private static bool IsExpired(ReadOnlySpan<char> seal, DateTimeOffset now)
    {
        var beforeMac = seal.LastIndexOf('*');
        var beforeSalt = beforeMac < 0 ? -1 : seal[..beforeMac].LastIndexOf('*');
        var beforeExpiration = beforeSalt < 0 ? -1 : seal[..beforeSalt].LastIndexOf('*');
        if (beforeExpiration < 0)
        {
            return true;
        }

        var expiration = seal[(beforeExpiration + 1)..beforeSalt];
        return !expiration.IsEmpty
            && (!long.TryParse(expiration, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expires)
                || expires <= (now - IronSeal.TimestampSkew).ToUnixTimeMilliseconds());
    }
}
