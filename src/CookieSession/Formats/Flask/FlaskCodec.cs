using System.Buffers;
using System.Text;
using System.Text.Unicode;
using CookieSession.Cookies;
using CookieSession.Json;
using CookieSession.Options;

namespace CookieSession.Formats.Flask;

/// <summary>
/// Flask's session cookie, as <c>SecureCookieSessionInterface</c> writes it through itsdangerous's
/// <c>URLSafeTimedSerializer</c>: <c>payload.timestamp.signature</c>, the signature an HMAC-SHA1 of
/// <c>payload.timestamp</c> under <see cref="FlaskKeys"/>. The JSON is Flask's tagged JSON, passed through untouched
/// both ways: a tagged value (<c>{" t": [...]}</c> for a tuple, <c>" b"</c> bytes, <c>" m"</c> markup, <c>" u"</c> a
/// UUID, <c>" d"</c> a datetime, <c>" di"</c> an escaped dict) is what .NET sees and what Flask reads back, so that a
/// key .NET does not change keeps its bytes.
/// </summary>
/// <remarks>
/// A signature older than <c>PERMANENT_SESSION_LIFETIME</c> is refused, as Flask refuses it on load whether or not
/// the session is permanent; one dated later than now is refused beyond five minutes of clock skew (Flask allows none).
/// One older than half the lifetime asks to be signed again, so that a session in use on the .NET side does not age out
/// where Flask would have refreshed it.
/// </remarks>
internal sealed class FlaskCodec : ISessionCodec
{
    /// <summary>The separator of itsdangerous's parts. Part of the wire format: never change it.</summary>
    public const char Separator = '.';

    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    private readonly SecretKeyRing<FlaskKeys> _keys;
    private readonly long _lifetimeSeconds;
    private readonly TimeProvider _time;

    /// <param name="keys">The keys of the secrets in force, newest first.</param>
    /// <param name="permanentSessionLifetime">Flask's <c>PERMANENT_SESSION_LIFETIME</c>: its whole seconds are the signature's maximum age.</param>
    /// <param name="time">The clock that dates signatures and judges their age.</param>
    public FlaskCodec(SecretKeyRing<FlaskKeys> keys, TimeSpan permanentSessionLifetime, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(permanentSessionLifetime, TimeSpan.Zero);
        _keys = keys;
        _lifetimeSeconds = (long)permanentSessionLifetime.TotalSeconds;
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

        var signatureAt = value.LastIndexOf(Separator);
        if (signatureAt < 0)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.Unsigned);
        }

        // The signature first: nothing else is decoded in a value that is not ours.
        var signed = value[..signatureAt];
        int keyIndex;
        var rented = signed.Length > 1024 ? ArrayPool<byte>.Shared.Rent(signed.Length) : null;
        var signedBytes = rented is null ? stackalloc byte[signed.Length] : rented.AsSpan(0, signed.Length);
        try
        {
            Ascii.FromUtf16(signed, signedBytes, out _);
            keyIndex = _keys.Current.Verify(signedBytes, value[(signatureAt + 1)..]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (keyIndex < 0)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.BadSignature);
        }

        var timestampAt = signed.LastIndexOf(Separator);
        if (timestampAt < 0 || !FlaskTimestamp.TryRead(signed[(timestampAt + 1)..], out var signedAt))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
        }

        var ageRejection = CheckAge(signedAt, out var halfLifePassed);
        if (ageRejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(ageRejection);
        }

        var rejection = FlaskPayload.TryDecode(signed[..timestampAt], out var json, out var length);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection);
        }

        if (!Utf8.IsValid(json.AsSpan(0, length)))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, json);
        }

        // Flask's cookie says when it was signed, not when its session began: the earliest time known is the signature's.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(signedAt);
        var renew = keyIndex != 0 || halfLifePassed;
        return SessionCookieReadResult.Verified(json!, 0, length, renew, new SessionTimes(issuedAt, issuedAt));
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
    {
        var start = value.Length;
        FlaskPayload.Encode(json, ref value);
        value.WriteByte((byte)Separator);
        value.Advance(FlaskTimestamp.Write(Math.Max(0, times.IssuedAt.ToUnixTimeSeconds()), value.GetSpan(FlaskTimestamp.MaxLength)));
        Span<byte> signature = stackalloc byte[FlaskKeys.SignatureLength];
        _keys.Current.Sign(value.WrittenSpan[start..], signature);
        value.WriteByte((byte)Separator);
        value.Write(signature);
    }

    /// <summary>
    /// The signature's MAC covers its timestamp, whose age is rechecked on every hit; a value stands while the keys that
    /// verified it are in force, and a reload replaces them.
    /// </summary>
    public bool CanCache(out object? generation)
    {
        generation = _keys.Current;
        return true;
    }

    /// <summary>A cached value that aged past the lifetime since is refused as a fresh one would be; past half of it, renewed.</summary>
    public SessionCookieReadResult Recheck(ReadOnlySpan<char> value, SessionCookieReadResult cached)
    {
        var signatureAt = value.LastIndexOf(Separator);
        var signed = signatureAt < 0 ? default : value[..signatureAt];
        var timestampAt = signed.LastIndexOf(Separator);
        if (timestampAt < 0 || !FlaskTimestamp.TryRead(signed[(timestampAt + 1)..], out var signedAt))
        {
            return Decode(value);
        }

        var rejection = CheckAge(signedAt, out var halfLifePassed);
        return rejection != SessionCookieRejection.None
            ? SessionCookieReadResult.Rejected(rejection)
            : halfLifePassed && !cached.NeedsRenewal ? cached.WithRenewal(true) : cached;
    }

    /// <summary>Its <see cref="LimitLifetime"/> sets the cookie's lifetime.</summary>
    public bool LimitsLifetime => true;

    /// <summary>The signature's time, in whole seconds, as both times: a Flask cookie carries no other.</summary>
    public SessionTimes? CarriedTimes(SessionTimes times)
    {
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Max(0, times.IssuedAt.ToUnixTimeSeconds()));
        return new SessionTimes(issuedAt, issuedAt);
    }

    /// <summary>
    /// Flask writes no <c>Expires</c> unless the session is permanent, which only the session's JSON says: the cookie is
    /// left as the application configures it, but never kept by the browser longer than its signature is accepted.
    /// </summary>
    public CookieLifetime LimitLifetime(CookieLifetime lifetime, SessionTimes times)
    {
        var accepted = TimeSpan.FromSeconds(_lifetimeSeconds);
        var until = times.IssuedAt + accepted;
        return new CookieLifetime(
            lifetime.MaxAge > accepted ? accepted : lifetime.MaxAge,
            lifetime.Expires > until ? until : lifetime.Expires);
    }

    /// <summary>
    /// Flask's arithmetic, in whole seconds: refused once older than the lifetime (an age equal to it still loads), or
    /// dated later than now beyond the clock skew; <paramref name="halfLifePassed"/> once older than half of it.
    /// </summary>
    private SessionCookieRejection CheckAge(long signedAt, out bool halfLifePassed)
    {
        var age = _time.GetUtcNow().ToUnixTimeSeconds() - signedAt;
        halfLifePassed = age > _lifetimeSeconds / 2;
        if (age > _lifetimeSeconds)
        {
            return SessionCookieRejection.Expired;
        }

        return age < -(long)AllowedClockSkew.TotalSeconds || signedAt > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? SessionCookieRejection.NotYetValid
            : SessionCookieRejection.None;
    }
}
