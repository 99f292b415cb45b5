using CookieSession.Cookies;
using CookieSession.Json;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats.Connect;

/// <summary>
/// Connect's <c>cookieSession</c> format: one cookie whose value is <c>"s:" + "j:" + JSON + "." + HMAC</c>,
/// percent-encoded. Byte-compatible with connect@2.x and with Express's signed JSON cookies. It carries no times.
/// </summary>
internal sealed class ConnectSessionFormat : IWireFormat
{
    private readonly string _name;
    private readonly HmacSigner _signer;
    private readonly ILogger _logger;
    private readonly VerifiedCookieCache? _cache;

    public ConnectSessionFormat(string name, HmacSigner signer, VerifiedCookieCache? cache, ILogger logger)
    {
        _name = name;
        _signer = signer;
        _cache = cache;
        _logger = logger;
    }

    public SessionCookieReadResult Read(HttpRequest request)
    {
        if (!CookieHeaderReader.TryGetValue(request.Headers.Cookie, _name, out var raw))
        {
            return SessionCookieReadResult.Missing;
        }

        // Read before verifying: a value is cached under the secrets that verified it, or older ones.
        var generation = _signer.Generation;
        if (_cache is not null && _cache.TryGet(raw, default, generation, out var cached))
        {
            return cached;
        }

        var rejection = SignedCookieValue.TryUnsign(raw, _signer, out var rented, out var offset, out var length, out var keyIndex);
        if (rejection != SessionCookieRejection.None)
        {
            return SessionCookieReadResult.Rejected(rejection);
        }

        if (!rented.AsSpan(offset, length).StartsWith(SignedCookieValue.JsonPrefix))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.NotJsonObject, rented);
        }

        var prefix = SignedCookieValue.JsonPrefix.Length;
        var result = SessionCookieReadResult.Verified(rented!, offset + prefix, length - prefix, needsRenewal: keyIndex != 0);
        _cache?.Add(raw, default, result, generation);
        return result;
    }

    public void Write(HttpResponse response, ReadOnlySpan<byte> json, int[]? index, SessionTimes times, CookieOptions options)
    {
        var generation = _signer.Generation;
        var value = new PooledByteBuffer(json.Length + 64);
        try
        {
            SignedCookieValue.Sign(SignedCookieValue.JsonPrefix, json, _signer, ref value);
            var written = SetCookieWriter.Append(response, _name, value.WrittenSpan, CookieValueEncoding.Percent, options, _logger);
            _cache?.AddWritten(written, default, json, index, null, generation);
        }
        finally
        {
            value.Dispose();
        }
    }

    public void Delete(HttpResponse response, CookieOptions options)
        => SetCookieWriter.Delete(response, _name, options, CookieValueEncoding.Percent);
}
