using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The session encrypted and authenticated under ASP.NET Core Data Protection: <see cref="ProtectedPayload"/> (times and
/// JSON sealed with AES-256-GCM under a data key that Data Protection protects under <see cref="Purpose"/> and the
/// cookie's name, see <see cref="DataKeys"/>), in base64url, chunked past one cookie.
/// <see cref="CookieSessionOptions.IdleTimeout"/> and <see cref="CookieSessionOptions.AbsoluteTimeout"/> are enforced
/// here, on the times inside, which no client can change.
/// </summary>
/// <remarks>
/// Calling Data Protection for every cookie would cost 8 to 13 µs a time here (its default AES-CBC with HMAC derives
/// keys per payload, and ASP.NET Core 10 has no span-based API): the data key makes a seal one AES-GCM, and Data
/// Protection is called once per data key and server.
/// </remarks>
internal sealed class ProtectedSessionFormat : IWireFormat
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

    private readonly DataKeys _keys;
    private readonly ChunkedCookie _cookie;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _idle;
    private readonly TimeSpan? _absolute;
    private readonly VerifiedCookieCache? _cache;

    /// <param name="name">The cookie name, part of the purpose.</param>
    /// <param name="keys">
    /// How data keys are wrapped, under <see cref="Purpose"/> and <paramref name="name"/>: when it sees no key ring
    /// (its generation is <see langword="null"/>) nothing is cached, since a cached value would outlive a revocation.
    /// </param>
    /// <param name="options">The options.</param>
    /// <param name="cache">Values recently opened or written, or <see langword="null"/>.</param>
    /// <param name="time">The clock of the lifetimes.</param>
    /// <param name="logger">The middleware's logger.</param>
    public ProtectedSessionFormat(
        string name,
        IDataKeyProtector keys,
        CookieSessionOptions options,
        VerifiedCookieCache? cache,
        TimeProvider time,
        ILogger logger)
    {
        _keys = new DataKeys(keys);
        _cache = cache;
        _cookie = new ChunkedCookie(name, options.MaxChunkedSize, logger);
        _time = time;
        _idle = options.IdleTimeout == Timeout.InfiniteTimeSpan ? null : options.IdleTimeout;
        _absolute = options.AbsoluteTimeout;
    }

    public SessionCookieReadResult Read(HttpRequest request)
    {
        var rejection = _cookie.TryRead(request.Headers.Cookie, out var found, out var value, out var rented);
        if (!found)
        {
            return SessionCookieReadResult.Missing;
        }

        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection);
        }

        try
        {
            // A cached value stands only while the key ring it was opened under is the current one: a reloaded
            // ring (a new default key, a revocation) sends it through Data Protection again.
            var ring = _keys.Generation;
            if (_cache is null || ring is null || !_cache.TryGet(value, default, ring, out var opened))
            {
                opened = Open(value);
                if (opened.IsLoaded && ring is not null)
                {
                    _cache?.Add(value, default, opened, ring);
                }
            }

            return opened.IsLoaded ? WithinLifetimes(opened) : opened;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    public void Write(HttpResponse response, ReadOnlySpan<byte> json, int[]? index, SessionTimes times, CookieOptions options)
    {
        var key = _keys.ForSealing();
        var ring = key.Generation;
        var protectedBytes = ProtectedPayload.Seal(key, json, times);
        var length = Base64Url.GetEncodedLength(protectedBytes.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Base64Url.EncodeToUtf8(protectedBytes, rented);
            var value = rented.AsSpan(0, length);
            var written = _cookie.Write(response, value, WithinLifetime(options, times));
            if (_cache is not null && ring is not null)
            {
                // The value as the one cookie's header carries it, or (chunked) put together again.
                var whole = written.Length == value.Length ? written : Encoding.ASCII.GetString(value).AsMemory();
                _cache.AddWritten(whole, default, json, index, times, ring);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

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
        return SessionCookieReadResult.Verified(rented, offset, length, requiresMigration, times);
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

    public void Delete(HttpResponse response, CookieOptions options) => _cookie.Delete(response, options);

    /// <summary>The cookie's <c>Max-Age</c> and <c>Expires</c>, when it has them, never outlive what the server still accepts.</summary>
    private CookieOptions WithinLifetime(CookieOptions options, SessionTimes times)
    {
        TimeSpan? accepted = _idle;
        if (_absolute is { } absolute)
        {
            var left = times.CreatedAt + absolute - times.IssuedAt;
            accepted = accepted is { } idle && idle < left ? idle : left;
        }

        if (accepted is not { } limit || (options.MaxAge is null && options.Expires is null))
        {
            return options;
        }

        // Whole seconds, as Max-Age is written, rounded down so that the browser never keeps it longer.
        limit = TimeSpan.FromSeconds(Math.Max(1, Math.Floor(limit.TotalSeconds)));
        if (options.MaxAge is { } maxAge && maxAge > limit)
        {
            options.MaxAge = limit;
        }

        var until = times.IssuedAt + limit;
        if (options.Expires is { } expires && expires > until)
        {
            options.Expires = until;
        }

        return options;
    }
}
