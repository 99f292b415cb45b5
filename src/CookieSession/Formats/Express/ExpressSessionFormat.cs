using System.Buffers;
using System.Text;
using System.Text.Unicode;
using CookieSession.Cookies;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Formats.Express;

/// <summary>
/// Express's <c>cookie-session</c> format (version 2, through the <c>cookies</c> and <c>keygrip</c> packages):
/// <c>name</c> = base64 of the JSON, <c>name.sig</c> = keygrip signature of <c>name=value</c>. Both are written
/// and deleted together with the same attributes.
/// </summary>
/// <remarks>
/// Node's <c>cookies</c> reads and signs values exactly as they travel, without percent-decoding, while
/// <c>Response.Cookies</c> percent-escapes every value (<c>+</c>, <c>/</c> and <c>=</c> of base64 included).
/// So this format writes its <c>Set-Cookie</c> headers itself, with ASP.NET's own header builder; it honours
/// cookie consent (<see cref="ITrackingConsentFeature"/>) itself, but the cookie policy's other rules do not
/// see these cookies.
/// </remarks>
internal sealed class ExpressSessionFormat : ISessionCookieFormat
{
    /// <summary>The suffix of the signature cookie's name. Part of the wire format: never change it.</summary>
    public const string SignatureSuffix = ".sig";

    private readonly string _name;
    private readonly string _signatureName;
    private readonly HmacSigner _signer;

    public ExpressSessionFormat(string name, HmacSigner signer)
    {
        _name = name;
        _signatureName = name + SignatureSuffix;
        _signer = signer;
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

        return SessionCookieReadResult.Loaded(rented, dataLength, written, keyIndex == 0);
    }

    public void Write(HttpResponse response, ReadOnlySpan<byte> json, CookieOptions options)
    {
        var value = Convert.ToBase64String(json);
        var header = options.CreateCookieHeader(_name, value).ToString();
        if (header.Length > CookieSessionDefaults.MaxCookieSize)
        {
            throw new CookieSessionTooLargeException(_name, header.Length, CookieSessionDefaults.MaxCookieSize);
        }

        if (!options.IsEssential && response.HttpContext.Features.Get<ITrackingConsentFeature>() is { CanTrack: false })
        {
            return;
        }

        response.Headers.Append(HeaderNames.SetCookie, new StringValues([header, SignatureHeader(value, options)]));
    }

    public void Delete(HttpResponse response, CookieOptions options)
    {
        var expired = new CookieOptions(options) { Expires = DateTimeOffset.UnixEpoch, MaxAge = null };
        response.Headers.Append(HeaderNames.SetCookie, new StringValues(
        [
            expired.CreateCookieHeader(_name, string.Empty).ToString(),
            expired.CreateCookieHeader(_signatureName, string.Empty).ToString(),
        ]));
    }

    private string SignatureHeader(string value, CookieOptions options)
    {
        var dataLength = _name.Length + 1 + value.Length;
        var rented = ArrayPool<byte>.Shared.Rent(dataLength + _signer.SignatureLength);
        try
        {
            var data = rented.AsSpan(0, dataLength);
            Encoding.ASCII.GetBytes(_name, data);
            data[_name.Length] = (byte)'=';
            Encoding.ASCII.GetBytes(value, data[(_name.Length + 1)..]);
            var signature = rented.AsSpan(dataLength, _signer.SignatureLength);
            _signer.Sign(data, signature);
            return options.CreateCookieHeader(_signatureName, Encoding.ASCII.GetString(signature)).ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
