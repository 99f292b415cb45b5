using System.Buffers;
using System.Text;
using CookieSession.Cookies;
using CookieSession.Json;
using CookieSession.Options;
using CookieSession.Signing;

namespace CookieSession.Formats.Django;

/// <summary>
/// Django's <c>signed_cookies</c> session backend: <c>signing.dumps(session, salt=…, compress=True)</c> with the JSON
/// serializer, that is <c>payload:timestamp:signature</c> (<see cref="DjangoPayload"/>, <see cref="DjangoTimestamp"/>,
/// and <see cref="DjangoKeys"/>' HMAC-SHA256 of everything before it, as Django 3.1 and later sign). A cookie is read
/// as Django 4.1 and later read it: under <c>SECRET_KEY</c> or any of <c>SECRET_KEY_FALLBACKS</c> (here the secrets
/// after the first, which then ask for a new cookie), refused once older than <c>SESSION_COOKIE_AGE</c>.
/// </summary>
/// <remarks>
/// Not read: the SHA-1 signatures of Django 3.1's <c>DEFAULT_HASHING_ALGORITHM</c> transition, which Django 4.0
/// stopped reading (a session cookie lives two weeks, so none survive from then), and <c>PickleSerializer</c>'s
/// payloads, which are never deserialized: both are refused.
/// </remarks>
internal sealed class DjangoCodec : ISessionCodec
{
    /// <summary>Django's separator; part of the wire format, never change it.</summary>
    private const byte Separator = (byte)':';

    /// <summary>How far in the future a timestamp may be, for clocks that differ between servers.</summary>
    internal static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    private readonly SecretKeyRing<DjangoKeys> _keys;
    private readonly TimeSpan _sessionCookieAge;
    private readonly bool _expireAtBrowserClose;
    private readonly TimeProvider _time;

    public DjangoCodec(SecretKeyRing<DjangoKeys> keys, TimeSpan sessionCookieAge, bool expireAtBrowserClose, TimeProvider time)
    {
        _keys = keys;
        _sessionCookieAge = sessionCookieAge;
        _expireAtBrowserClose = expireAtBrowserClose;
        _time = time;
    }

    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
        if (value.Length > CookieSessionDefaults.MaxCookieSize)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.TooLarge);
        }

        if (!Ascii.IsValid(value))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
        }

        Span<byte> bytes = stackalloc byte[value.Length];
        Ascii.FromUtf16(value, bytes, out _);

        var lastSeparator = bytes.LastIndexOf(Separator);
        if (lastSeparator < 0)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.Unsigned);
        }

        var signed = bytes[..lastSeparator];
        var keyIndex = Verify(_keys.Current, signed, bytes[(lastSeparator + 1)..]);
        if (keyIndex < 0)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.BadSignature);
        }

        if (!TryReadTimestamp(signed, out var timestampSeparator, out var issuedAt))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.Malformed);
        }

        var age = CheckAge(issuedAt);
        if (age != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(age);
        }

        var rejection = DjangoPayload.TryRead(signed[..timestampSeparator], out var json, out var length);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection, json);
        }

        // Django keeps no creation time: the session is as old as its cookie.
        return SessionCookieReadResult.Verified(json!, 0, length, needsRenewal: keyIndex > 0, new SessionTimes(issuedAt, issuedAt));
    }

    /// <summary>
    /// A verified value stays valid until it is too old, which <see cref="Recheck"/> checks on every hit, and while the
    /// keys that verified it are in force: a reload replaces them.
    /// </summary>
    public bool CanCache(out object? generation)
    {
        generation = _keys.Current;
        return true;
    }

    /// <summary>A cached value is refused once its timestamp, read again from the value, is past <c>SESSION_COOKIE_AGE</c>.</summary>
    public SessionCookieReadResult Recheck(ReadOnlySpan<char> value, SessionCookieReadResult cached)
    {
        Span<byte> bytes = stackalloc byte[Math.Min(value.Length, CookieSessionDefaults.MaxCookieSize)];
        if (value.Length > bytes.Length || Ascii.FromUtf16(value, bytes, out _) != System.Buffers.OperationStatus.Done)
        {
            return Decode(value);
        }

        var lastSeparator = bytes.LastIndexOf(Separator);
        if (lastSeparator < 0 || !TryReadTimestamp(bytes[..lastSeparator], out _, out var issuedAt))
        {
            return Decode(value);
        }

        var age = CheckAge(issuedAt);
        return age == SessionCookieRejection.None ? cached : SessionCookieReadResult.Rejected(age);
    }

    /// <summary>Its <see cref="LimitLifetime"/> sets the cookie's lifetime.</summary>
    public bool LimitsLifetime => true;

    /// <summary>The signature's time, in whole seconds, as both times: a Django cookie carries no other.</summary>
    public SessionTimes? CarriedTimes(SessionTimes times)
    {
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Max(0, times.IssuedAt.ToUnixTimeSeconds()));
        return new SessionTimes(issuedAt, issuedAt);
    }

    /// <summary>
    /// As Django writes it: <c>Max-Age</c> is <c>SESSION_COOKIE_AGE</c> when the application sets no lifetime (none
    /// with <c>SESSION_EXPIRE_AT_BROWSER_CLOSE</c>), and neither <c>Max-Age</c> nor <c>Expires</c> reaches past it, so
    /// that a browser keeps the cookie no longer than it is accepted.
    /// </summary>
    public CookieLifetime LimitLifetime(CookieLifetime lifetime, SessionTimes times)
    {
        if (lifetime.MaxAge is null && lifetime.Expires is null)
        {
            return _expireAtBrowserClose ? lifetime : lifetime with { MaxAge = _sessionCookieAge };
        }

        var until = times.IssuedAt + _sessionCookieAge;
        return new CookieLifetime(
            lifetime.MaxAge > _sessionCookieAge ? _sessionCookieAge : lifetime.MaxAge,
            lifetime.Expires > until ? until : lifetime.Expires);
    }

    /// <summary>
    /// Whether a cookie issued at <paramref name="issuedAt"/> may still be read now: not older than
    /// <c>SESSION_COOKIE_AGE</c> (Django's <c>max_age</c>), and not from the future beyond clock skew.
    /// </summary>
    public SessionCookieRejection CheckAge(DateTimeOffset issuedAt)
    {
        var now = _time.GetUtcNow();
        return now - issuedAt > _sessionCookieAge ? SessionCookieRejection.Expired
            : issuedAt > now + AllowedClockSkew ? SessionCookieRejection.NotYetValid
            : SessionCookieRejection.None;
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
    {
        var start = value.Length;
        DjangoPayload.Write(json, ref value);
        value.WriteByte(Separator);
        var timestamp = value.GetSpan(DjangoTimestamp.MaxLength);
        value.Advance(DjangoTimestamp.Write(Math.Max(0, times.IssuedAt.ToUnixTimeSeconds()), timestamp));

        Span<byte> signature = stackalloc byte[DjangoKeys.SignatureLength];
        _keys.Current.Sign(value.WrittenSpan[start..], 0, signature);
        value.WriteByte(Separator);
        value.Write(signature);
    }

    /// <summary>The timestamp after the last separator of the signed part, and where that separator is.</summary>
    private static bool TryReadTimestamp(ReadOnlySpan<byte> signed, out int separator, out DateTimeOffset issuedAt)
    {
        issuedAt = default;
        separator = signed.LastIndexOf(Separator);
        if (separator < 0 || !DjangoTimestamp.TryRead(signed[(separator + 1)..], out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        issuedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    /// <summary>The index of the secret whose signature <paramref name="signature"/> is, or -1.</summary>
    private static int Verify(DjangoKeys keys, ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != DjangoKeys.SignatureLength)
        {
            return -1;
        }

        Span<byte> expected = stackalloc byte[DjangoKeys.SignatureLength];
        for (var i = 0; i < keys.Count; i++)
        {
            keys.Sign(signed, i, expected);
            if (ConstantTime.Equals(expected, signature))
            {
                return i;
            }
        }

        return -1;
    }
}
