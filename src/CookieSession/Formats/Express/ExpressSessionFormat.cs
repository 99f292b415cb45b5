using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using CookieSession.Cookies;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats.Express;

/// <summary>
/// Express's <c>cookie-session</c> format (version 2, through the <c>cookies</c> and <c>keygrip</c> packages):
/// <c>name</c> = base64 of the JSON, <c>name.sig</c> = keygrip signature of <c>name=value</c>. Both are written
/// and deleted together with the same attributes.
/// </summary>
/// <remarks>
/// Node's <c>cookies</c> reads and signs values exactly as they travel, without percent-decoding, while
/// <c>Response.Cookies</c> percent-escapes every value (<c>+</c>, <c>/</c> and <c>=</c> of base64 included).
/// So this format writes its values raw (<see cref="CookieValueEncoding.Raw"/>): <see cref="SetCookieWriter"/>
/// honours cookie consent (<see cref="ITrackingConsentFeature"/>) for them, but the cookie policy's other rules
/// do not see these cookies.
/// </remarks>
internal sealed class ExpressSessionFormat : IWireFormat
{
    /// <summary>The suffix of the signature cookie's name. Part of the wire format: never change it.</summary>
    public const string SignatureSuffix = ".sig";

    private readonly string _name;
    private readonly string _signatureName;
    private readonly HmacSigner _signer;
    private readonly ILogger _logger;
    private readonly VerifiedCookieCache? _cache;

    public ExpressSessionFormat(string name, HmacSigner signer, VerifiedCookieCache? cache, ILogger logger)
    {
        _cache = cache;
        _name = name;
        _signatureName = name + SignatureSuffix;
        _signer = signer;
        _logger = logger;
    }

    public SessionCookieReadResult Read(HttpRequest request)
    {
        var headers = request.Headers.Cookie;
        if (!CookieHeaderReader.TryGetValue(headers, _name, out var value))
        {
            return SessionCookieReadResult.Missing;
        }

        if (!CookieHeaderReader.TryGetValue(headers, _signatureName, out var signature))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.Unsigned);
        }

        // Read before verifying: a value is cached under the secrets that verified it, or older ones.
        var generation = _signer.Generation;
        if (_cache is not null && _cache.TryGet(value, signature, generation, out var cached))
        {
            return cached;
        }

        if (value.Length > 2 * CookieSessionDefaults.MaxCookieSize)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.TooLarge);
        }

        if (!Ascii.IsValid(value) || !Ascii.IsValid(signature))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding);
        }

        // keygrip signs "name=value", the value as it travels.
        var dataLength = _name.Length + 1 + value.Length;
        var rented = ArrayPool<byte>.Shared.Rent(dataLength + (value.Length / 4 * 3) + 3 + signature.Length);
        var data = rented.AsSpan(0, dataLength);
        Encoding.ASCII.GetBytes(_name, data);
        data[_name.Length] = (byte)'=';
        Encoding.ASCII.GetBytes(value, data[(_name.Length + 1)..]);
        var signatureBytes = rented.AsSpan(rented.Length - signature.Length);
        Encoding.ASCII.GetBytes(signature, signatureBytes);
        if (_signer.Verify(data, signatureBytes) is var keyIndex && keyIndex < 0)
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.BadSignature, rented);
        }

        var json = rented.AsSpan(dataLength, rented.Length - dataLength - signature.Length);
        if (!Convert.TryFromBase64Chars(value, json, out var written) || !Utf8.IsValid(json[..written]))
        {
            return SessionCookieReadResult.Rejected(SessionCookieRejection.MalformedEncoding, rented);
        }

        var result = SessionCookieReadResult.Verified(rented, dataLength, written, needsRenewal: keyIndex != 0);
        _cache?.Add(value, signature, result, generation);
        return result;
    }

    public void Write(HttpResponse response, ReadOnlySpan<byte> json, int[]? index, SessionTimes times, CookieOptions options)
    {
        // keygrip signs "name=value", the value as it travels: base64 of the JSON.
        var generation = _signer.Generation;
        var prefixLength = _name.Length + 1;
        var valueLength = Base64.GetMaxEncodedToUtf8Length(json.Length);
        var rented = ArrayPool<byte>.Shared.Rent(prefixLength + valueLength + _signer.SignatureLength);
        try
        {
            Encoding.ASCII.GetBytes(_name, rented);
            rented[_name.Length] = (byte)'=';
            Base64.EncodeToUtf8(json, rented.AsSpan(prefixLength), out _, out var written);
            var data = rented.AsSpan(0, prefixLength + written);
            var signature = rented.AsSpan(data.Length, _signer.SignatureLength);
            _signer.Sign(data, signature);
            var value = SetCookieWriter.Append(response, _name, data[prefixLength..], CookieValueEncoding.Raw, options, _logger);
            var signatureValue = SetCookieWriter.Append(response, _signatureName, signature, CookieValueEncoding.Raw, options, _logger);
            _cache?.AddWritten(value, signatureValue, json, index, null, generation);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Delete(HttpResponse response, CookieOptions options)
    {
        SetCookieWriter.Delete(response, _name, options, CookieValueEncoding.Raw);
        SetCookieWriter.Delete(response, _signatureName, options, CookieValueEncoding.Raw);
    }
}
