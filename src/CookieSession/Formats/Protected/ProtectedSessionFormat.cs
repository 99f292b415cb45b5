using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The session encrypted and authenticated with ASP.NET Core Data Protection: <see cref="ProtectedPayload"/> (times and
/// JSON), protected under <see cref="Purpose"/> and the cookie's name, in base64url, chunked past one cookie.
/// <see cref="CookieSessionOptions.IdleTimeout"/> and <see cref="CookieSessionOptions.AbsoluteTimeout"/> are enforced
/// here, on the times inside, which no client can change.
/// </summary>
/// <remarks>
/// ASP.NET Core 10's Data Protection has no span-based API (it arrives with <c>ISpanDataProtector</c> in 11), so
/// protecting and unprotecting take arrays: one for the payload, one for the protected bytes.
/// </remarks>
internal sealed class ProtectedSessionFormat : ISessionCookieFormat
{
    /// <summary>
    /// The purpose of every protected session, before the cookie name: no other Data Protection payload (an auth
    /// ticket, an antiforgery token, TempData) and no session of another cookie name unprotects under it. Stored in
    /// users' browsers: never change it.
    /// </summary>
    public const string Purpose = "CookieSession.Protected.v1";

    private readonly IDataProtector _protector;
    private readonly IPersistedDataProtector? _persisted;
    private readonly ChunkedCookie _cookie;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _idle;
    private readonly TimeSpan? _absolute;
    private readonly VerifiedCookieCache? _cache;
    private readonly IKeyRingProvider? _keyRings;

    /// <param name="name">The cookie name, part of the purpose.</param>
    /// <param name="provider">The application's Data Protection.</param>
    /// <param name="keyRings">
    /// The key ring behind <paramref name="provider"/> when it is Data Protection's own (else <see langword="null"/>, and
    /// nothing is cached: without seeing the ring reload, a cached value would outlive a revocation).
    /// </param>
    /// <param name="options">The options.</param>
    /// <param name="cache">Values recently opened or written, or <see langword="null"/>.</param>
    /// <param name="time">The clock of the lifetimes.</param>
    /// <param name="logger">The middleware's logger.</param>
    public ProtectedSessionFormat(
        string name,
        IDataProtectionProvider provider,
        IKeyRingProvider? keyRings,
        CookieSessionOptions options,
        VerifiedCookieCache? cache,
        TimeProvider time,
        ILogger logger)
    {
        _protector = provider.CreateProtector(Purpose, name);
        _keyRings = keyRings;
        _cache = cache;
        _persisted = _protector as IPersistedDataProtector;
        _cookie = new ChunkedCookie(name, options.MaxChunkedSize, logger);
        _time = time;
        _idle = options.IdleTimeout;
        _absolute = options.AbsoluteTimeout;
    }

    public SessionCookieReadResult Read(HttpRequest request)
    {
        var rejection = _cookie.TryRead(request.Headers.Cookie, out var found, out var chars, out var length);
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
            var value = chars.AsSpan(0, length);

            // A cached value stands only while the key ring it was opened under is the current one: a reloaded
            // ring (a new default key, a revocation) sends it through Data Protection again.
            var ring = _keyRings?.GetCurrentKeyRing();
            if (_cache is null || ring is null || !_cache.TryGet(value, default, ring, out var opened))
            {
                opened = Open(value);
                if (opened.IsLoaded && ring is not null)
                {
                    _cache?.Add(value, default, opened.Json, opened.NeedsRenewal, opened.Times, ring);
                }
            }

            return opened.IsLoaded ? WithinLifetimes(opened) : opened;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars!);
        }
    }

    public void Write(HttpResponse response, ReadOnlySpan<byte> json, SessionTimes times, CookieOptions options)
    {
        var ring = _keyRings?.GetCurrentKeyRing();
        var protectedBytes = _protector.Protect(ProtectedPayload.Create(json, times));
        var length = Base64Url.GetEncodedLength(protectedBytes.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Base64Url.EncodeToUtf8(protectedBytes, rented);
            var value = rented.AsSpan(0, length);
            _cookie.Write(response, value, WithinLifetime(options, times));
            if (_cache is not null && ring is not null)
            {
                Span<char> chars = length <= 1024 ? stackalloc char[length] : new char[length];
                Encoding.ASCII.GetChars(value, chars);
                _cache.Add(chars, default, json, needsRenewal: false, times, ring);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes and unprotects a value: the session's JSON and times, or why not.</summary>
    private SessionCookieReadResult Open(ReadOnlySpan<char> value)
    {
        var protectedBytes = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        if (Base64Url.DecodeFromChars(value, protectedBytes, out _, out var written) != OperationStatus.Done)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
        }

        if (written != protectedBytes.Length)
        {
            protectedBytes = protectedBytes[..written];
        }

        byte[] payload;
        var requiresMigration = false;
        try
        {
            if (_persisted is not null)
            {
                payload = _persisted.DangerousUnprotect(protectedBytes, ignoreRevocationErrors: true, out requiresMigration, out var wasRevoked);
                if (wasRevoked)
                {
                    return SessionCookieReadResult.Rejected(SessionCookieRejection.RevokedKey);
                }
            }
            else
            {
                payload = _protector.Unprotect(protectedBytes);
            }
        }
        catch (CryptographicException)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.Undecryptable);
        }

        var rejection = ProtectedPayload.TryRead(payload, out var times);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection);
        }

        var json = payload.AsSpan(ProtectedPayload.HeaderLength);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, json.Length));
        json.CopyTo(rented);
        return SessionCookieReadResult.Loaded(rented, 0, json.Length, requiresMigration, times);
    }

    /// <summary>Refuses a session past its lifetimes, and asks for a new cookie once half the idle time has passed.</summary>
    private SessionCookieReadResult WithinLifetimes(SessionCookieReadResult opened)
    {
        var times = opened.Times!.Value;
        var now = _time.GetUtcNow();
        var rejection = SessionCookieRejection.None;
        if (_absolute is { } absolute && now - times.CreatedAt > absolute)
        {
            rejection = SessionCookieRejection.AbsoluteExpired;
        }
        else if (_idle is { } idle && now - times.IssuedAt > idle)
        {
            rejection = SessionCookieRejection.IdleExpired;
        }

        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection, opened.Buffer);
        }

        // Sliding expiration as cookie authentication does it: a new cookie once half the idle time has passed.
        var renew = opened.NeedsRenewal || (_idle is { } half && now - times.IssuedAt > half / 2);
        return renew == opened.NeedsRenewal ? opened : SessionCookieReadResult.Loaded(opened.Buffer!, opened.Offset, opened.Length, renew, times);
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
