using System.Buffers;
using System.Text;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats.Iron;

/// <summary>
/// iron-session's cookie (versions 8 and 9): the session's JSON sealed with <c>@hapi/iron</c>'s seal
/// (<see cref="IronSeal"/>) under numbered passwords, plus iron-session's <c>~2</c> suffix (outside the MAC; ignored on
/// read), chunked as iron-session 9 does past 4096 bytes (<see cref="IronChunkedCookie"/>). The seal's expiration is
/// iron-session's <c>ttl</c> and is enforced on read with iron's 60-second skew.
/// </summary>
internal sealed class IronSessionFormat : IWireFormat
{
    /// <summary>iron-session's version suffix, appended after the seal. Part of the wire format: never change it.</summary>
    public const string VersionSuffix = "~2";

    private static ReadOnlySpan<byte> VersionSuffixBytes => "~2"u8;

    /// <summary>iron-session's <c>Max-Age</c> for a ttl of 0 (no expiry): 2^31 - 1 seconds.</summary>
    private static readonly TimeSpan NoExpiryMaxAge = TimeSpan.FromSeconds(int.MaxValue);

    private readonly IronPasswordRing _passwords;
    private readonly IronChunkedCookie _cookie;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly VerifiedCookieCache? _cache;

    public IronSessionFormat(string name, IronPasswordRing passwords, TimeSpan ttl, VerifiedCookieCache? cache, TimeProvider time, ILogger logger)
    {
        _passwords = passwords;
        _cookie = new IronChunkedCookie(name, logger);
        _ttl = ttl;
        _cache = cache;
        _time = time;
    }

    public SessionCookieReadResult Read(HttpRequest request)
    {
        var headers = request.Headers.Cookie;
        if (!_cookie.TryRead(headers, out var value, out var rented))
        {
            return _cookie.IsPresent(headers) ? SessionCookieReadResult.Rejected(SessionCookieRejection.TooLarge) : SessionCookieReadResult.Missing;
        }

        try
        {
            // iron-session 9 reads up to the first '~' (its version suffix) and ignores the rest.
            var tilde = value.IndexOf('~');
            return Read(tilde < 0 ? value : value[..tilde]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private SessionCookieReadResult Read(ReadOnlySpan<char> seal)
    {
        var now = _time.GetUtcNow();
        var passwords = _passwords.Current;

        // A seal found in the cache verified before, under these passwords; its expiration, in clear, is checked on every hit.
        if (_cache is not null && _cache.TryGet(seal, default, passwords, out var cached) && !IsExpired(seal, now))
        {
            return cached;
        }

        var rejection = IronSeal.TryUnseal(seal, passwords, passwords.Keys, now, out var json, out var length, out var olderPassword);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection);
        }

        var result = SessionCookieReadResult.Verified(json!, 0, length, needsRenewal: olderPassword);
        _cache?.Add(seal, default, result, passwords);
        return result;
    }

    public void Write(HttpResponse response, ReadOnlySpan<byte> json, int[]? index, SessionTimes times, CookieOptions options)
    {
        var expiration = _ttl > TimeSpan.Zero ? times.IssuedAt + _ttl : (DateTimeOffset?)null;
        if (options.MaxAge is null && options.Expires is null)
        {
            // As iron-session writes it: ttl - 60 s (the seal outlives the cookie by iron's skew), ttl itself when
            // that is 60 s or less, 2^31 - 1 s for no expiry.
            options.MaxAge = _ttl == TimeSpan.Zero ? NoExpiryMaxAge : _ttl > IronSeal.TimestampSkew ? _ttl - IronSeal.TimestampSkew : _ttl;
        }

        // The seal is written once, as ASCII, with the suffix after it; the cache keeps the seal as the Set-Cookie
        // header carries it when one cookie does.
        var passwords = _passwords.Current;
        var buffer = new PooledByteBuffer(IronSeal.EstimateLength(json.Length, passwords.CurrentIdText) + VersionSuffix.Length);
        try
        {
            IronSeal.SealTo(ref buffer, json, passwords.Keys, passwords.CurrentIdText, expiration);
            var sealLength = buffer.Length;
            buffer.Write(VersionSuffixBytes);
            var written = _cookie.Write(response, buffer.WrittenSpan, options);
            if (_cache is not null)
            {
                var seal = written.Length == buffer.Length
                    ? written[..sealLength]
                    : Encoding.ASCII.GetString(buffer.WrittenSpan[..sealLength]).AsMemory();
                _cache.AddWritten(seal, default, json, index, null, passwords);
            }
        }
        finally
        {
            buffer.Dispose();
        }
    }

    public void Delete(HttpResponse response, CookieOptions options) => _cookie.Delete(response, options);

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
