using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using CookieSession.Cookies;
using CookieSession.Json;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The session encrypted and authenticated under ASP.NET Core Data Protection: <see cref="ProtectedPayload"/> (times and
/// JSON sealed with AES-256-GCM under a data key that Data Protection protects under <see cref="Purpose"/> and the
/// cookie's name, see <see cref="DataKeys"/>), in base64url; ASP.NET's chunks carry it past one cookie.
/// <see cref="CookieSessionOptions.IdleTimeout"/> and <see cref="CookieSessionOptions.AbsoluteTimeout"/> are enforced
/// here, on the times inside, which no client can change.
/// </summary>
/// <remarks>
/// A data key makes a seal one AES-GCM, so that Data Protection itself (which derives keys per payload) is called
/// once per data key and server rather than for every cookie.
/// </remarks>
internal sealed class ProtectedCodec : ISessionCodec
{
    /// <summary>
    /// The purpose of every protected session, before the cookie name: no other Data Protection payload (an auth
    /// ticket, an antiforgery token, TempData) and no session of another cookie name unprotects under it. Stored in
    /// users' browsers: never change it.
    /// </summary>
    public const string Purpose = "CookieSession.Protected.v1";

    /// <summary>How far ahead of this server's clock an issue time may be: 5 minutes, Data Protection's own allowance.</summary>
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The characters of a value this format writes: the base64url decoder skips white space, so without this check
    /// many different values would open as the same cookie.
    /// </summary>
    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>The longest seal built on the stack; a larger session's seal is built in a pooled array.</summary>
    private const int MaxStackSeal = 1024;

    private readonly DataKeys _keys;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _idle;
    private readonly TimeSpan? _absolute;

    /// <param name="keys">
    /// The data keys under the application's Data Protection: when they see no key ring (their generation is
    /// <see langword="null"/>) nothing is cached, since a cached value would outlive a revocation.
    /// </param>
    /// <param name="options">The options.</param>
    /// <param name="time">The clock of the lifetimes.</param>
    public ProtectedCodec(DataKeys keys, CookieSessionOptions options, TimeProvider time)
    {
        _keys = keys;
        _time = time;
        _idle = options.IdleTimeout == Timeout.InfiniteTimeSpan ? null : options.IdleTimeout;
        _absolute = options.AbsoluteTimeout;
    }

    public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
    {
        var opened = Open(value);
        return opened.IsLoaded ? WithinLifetimes(opened) : opened;
    }

    public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value)
    {
        var key = _keys.ForSealing();
        var sealedLength = ProtectedPayload.SealedLength(key, json.Length);
        byte[]? rented = null;
        Span<byte> sealedBytes = sealedLength <= MaxStackSeal ? stackalloc byte[MaxStackSeal] : (rented = ArrayPool<byte>.Shared.Rent(sealedLength));
        try
        {
            ProtectedPayload.Seal(key, json, times, sealedBytes[..sealedLength]);
            var length = Base64Url.GetEncodedLength(sealedLength);
            Base64Url.EncodeToUtf8(sealedBytes[..sealedLength], value.GetSpan(length));
            value.Advance(length);
        }
        finally
        {
            if (rented is not null)
            {
                // The plaintext is built in this buffer before it is encrypted there.
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>
    /// A cached value stands only while the key ring it was opened under is the current one: a reloaded ring (a new
    /// default key, a revocation) sends it through Data Protection again. Without a ring to watch, nothing is cached.
    /// </summary>
    public bool CanCache(out object? generation)
    {
        generation = _keys.Generation;
        return generation is not null;
    }

    /// <summary>The lifetimes, checked again on every hit: time passed since the value was cached.</summary>
    public SessionCookieReadResult Recheck(ReadOnlySpan<char> value, SessionCookieReadResult cached) => WithinLifetimes(cached);

    /// <summary>Both times to the millisecond, as the value carries them (<see cref="ProtectedPayload"/>).</summary>
    public SessionTimes? CarriedTimes(SessionTimes times) => new(ToMilliseconds(times.CreatedAt), ToMilliseconds(times.IssuedAt));

    private static DateTimeOffset ToMilliseconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>Decodes and opens a value: the session's JSON and times, or why not.</summary>
    private SessionCookieReadResult Open(ReadOnlySpan<char> value)
    {
        if (value.ContainsAnyExcept(Base64UrlAlphabet))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64Url.GetMaxDecodedLength(value.Length)));
        if (Base64Url.DecodeFromChars(value, rented, out _, out var written) != OperationStatus.Done)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, rented);
        }

        var rejection = ProtectedPayload.TryOpen(rented.AsSpan(0, written), _keys, out var times, out var json, out var requiresMigration);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection, rented);
        }

        var (offset, length) = json.GetOffsetAndLength(written);
        return SessionCookieReadResult.Verified(rented, offset, length, requiresMigration, times, used: written);
    }

    /// <summary>Refuses a session past its lifetimes, and asks for a new cookie once half the idle time has passed.</summary>
    private SessionCookieReadResult WithinLifetimes(SessionCookieReadResult opened)
    {
        var times = opened.Times!.Value;
        var now = _time.GetUtcNow();
        var rejection = SessionCookieRejection.None;
        if (times.IssuedAt > now + AllowedClockSkew || times.CreatedAt > times.IssuedAt)
        {
            // Only a server writes the times, but a server whose clock runs ahead would make sessions that outlive
            // their lifetimes everywhere else.
            rejection = SessionCookieRejection.NotYetValid;
        }
        else if (_absolute is { } absolute && now - times.CreatedAt > absolute)
        {
            rejection = SessionCookieRejection.AbsoluteExpired;
        }
        else if (_idle is { } idle && now - times.IssuedAt > idle)
        {
            rejection = SessionCookieRejection.IdleExpired;
        }

        if (rejection != SessionCookieRejection.None)
        {
            return opened.Reject(rejection);
        }

        // Sliding expiration as cookie authentication does it: a new cookie once half the idle time has passed.
        var renew = opened.NeedsRenewal || (_idle is { } half && now - times.IssuedAt > half / 2);
        return renew == opened.NeedsRenewal ? opened : opened.WithRenewal(renew);
    }

    /// <summary>Its <see cref="LimitLifetime"/> sets the cookie's lifetime.</summary>
    public bool LimitsLifetime => true;

    /// <summary>The cookie's <c>Max-Age</c> and <c>Expires</c>, when it has them, never outlive what the server still accepts.</summary>
    public CookieLifetime LimitLifetime(CookieLifetime lifetime, SessionTimes times)
    {
        TimeSpan? accepted = _idle;
        if (_absolute is { } absolute)
        {
            var left = times.CreatedAt + absolute - times.IssuedAt;
            accepted = accepted is { } idle && idle < left ? idle : left;
        }

        if (accepted is not { } limit || (lifetime.MaxAge is null && lifetime.Expires is null))
        {
            return lifetime;
        }

        // Whole seconds, as Max-Age is written, rounded down so that the browser never keeps it longer.
        limit = TimeSpan.FromSeconds(Math.Max(1, Math.Floor(limit.TotalSeconds)));
        var until = times.IssuedAt + limit;
        return new CookieLifetime(
            lifetime.MaxAge is { } maxAge && maxAge > limit ? limit : lifetime.MaxAge,
            lifetime.Expires is { } expires && expires > until ? until : lifetime.Expires);
    }
}
