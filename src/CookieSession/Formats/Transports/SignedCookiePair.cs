using System.Buffers;
using System.Text;
using CookieSession.Cookies;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Formats.Transports;

/// <summary>
/// A value in <c>name</c> and a keygrip signature of <c>name=value</c> in <c>name.sig</c>, as Node's <c>cookies</c>
/// package signs any cookie: both written raw and deleted together with the same attributes.
/// </summary>
/// <remarks>
/// The signature is the transport's, not a codec's: it covers the cookie's name and its value exactly as they travel,
/// which only the transport sees, and Node's <c>cookies</c> signs that way whatever the value means. Node reads and
/// signs values without percent-decoding, while <c>Response.Cookies</c> percent-escapes every value (<c>+</c>,
/// <c>/</c> and <c>=</c> of base64 included): so both cookies are written raw (<see cref="CookieValueEncoding.Raw"/>),
/// and <see cref="SetCookieWriter"/> honours cookie consent (<see cref="ITrackingConsentFeature"/>) for them, but the
/// cookie policy's other rules do not see them.
/// </remarks>
internal sealed class SignedCookiePair : ICookieTransport
{
    /// <summary>The suffix of the signature cookie's name. Part of the wire format: never change it.</summary>
    public const string SignatureSuffix = ".sig";

    /// <summary>The most bytes (<c>name=value</c> and the signature) narrowed on the stack to be verified; more in pooled scratch.</summary>
    private const int MaxVerifiedOnStack = 2048;

    /// <summary>The most bytes (<c>name=value</c> and the signature) put together on the stack to be signed: a cookie's worth.</summary>
    private const int MaxSignedOnStack = CookieSessionDefaults.MaxCookieSize;

    private readonly string _name;
    private readonly string _signatureName;
    /// <summary><c>name=</c> in ASCII: what every signed text starts with.</summary>
    private readonly byte[] _signedPrefix;
    private readonly HmacSigner _signer;
    private readonly ILogger _logger;

    public SignedCookiePair(string name, HmacSigner signer, ILogger logger)
    {
        _name = name;
        _signatureName = name + SignatureSuffix;
        _signedPrefix = Encoding.ASCII.GetBytes(name + "=");
        _signer = signer;
        _logger = logger;
    }

    /// <summary>The signer's secrets in force: a reload that replaces them leaves behind what they verified.</summary>
    public object? Generation => _signer.Generation;

    public CarriedValue Read(StringValues cookies)
    {
        if (!CookieHeaderReader.TryGetValue(cookies, _name, out var value))
        {
            return CarriedValue.Missing;
        }

        return CookieHeaderReader.TryGetValue(cookies, _signatureName, out var signature)
            ? CarriedValue.Of(value, signature)
            : CarriedValue.Rejected(SessionCookieRejection.Unsigned);
    }

    public SessionCookieRejection Verify(ReadOnlySpan<char> value, ReadOnlySpan<char> signature, out bool olderKey)
    {
        olderKey = false;
        if (value.Length > 2 * CookieSessionDefaults.MaxCookieSize)
        {
            return SessionCookieRejection.TooLarge;
        }

        var dataLength = _signedPrefix.Length + value.Length;
        var needed = dataLength + signature.Length;
        byte[]? rented = null;

        // Neither the stack nor the pooled buffer is cleared: both hold only the cookie and its signature as they
        // travelled, and every stack buffer in this library is written before it is read.
        var buffer = needed <= MaxVerifiedOnStack ? stackalloc byte[MaxVerifiedOnStack] : (rented = ArrayPool<byte>.Shared.Rent(needed));
        try
        {
            // Checked to be ASCII as they are narrowed, in one pass each.
            var data = buffer[..dataLength];
            var signatureBytes = buffer.Slice(dataLength, signature.Length);
            if (Ascii.FromUtf16(value, data[_signedPrefix.Length..], out _) != OperationStatus.Done
                || Ascii.FromUtf16(signature, signatureBytes, out _) != OperationStatus.Done)
            {
                return SessionCookieRejection.MalformedEncoding;
            }

            _signedPrefix.CopyTo(data);
            var keyIndex = _signer.Verify(data, signatureBytes);
            olderKey = keyIndex > 0;
            return keyIndex < 0 ? SessionCookieRejection.BadSignature : SessionCookieRejection.None;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public CarriedText Write(HttpResponse response, ReadOnlySpan<byte> value, CookieOptions options)
    {
        // keygrip signs "name=value", the value as it travels.
        var prefixLength = _signedPrefix.Length;
        var needed = prefixLength + value.Length + _signer.SignatureLength;
        var rented = needed > MaxSignedOnStack ? ArrayPool<byte>.Shared.Rent(needed) : null;
        var buffer = rented is null ? stackalloc byte[MaxSignedOnStack] : rented.AsSpan();
        try
        {
            _signedPrefix.CopyTo(buffer);
            value.CopyTo(buffer[prefixLength..]);
            var data = buffer[..(prefixLength + value.Length)];
            var signature = buffer.Slice(data.Length, _signer.SignatureLength);
            _signer.Sign(data, signature);
            var (written, signatureWritten) = SetCookieWriter.AppendRawPair(response, _name, value, _signatureName, signature, options, _logger, out var withheld);
            return withheld ? CarriedText.WithheldCookie : new(written, signatureWritten);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Delete(HttpResponse response, CookieOptions options)
    {
        SetCookieWriter.Delete(response, _name, options, CookieValueEncoding.Raw);
        SetCookieWriter.Delete(response, _signatureName, options, CookieValueEncoding.Raw);
    }
}
