using System.Buffers;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Json;

namespace CookieSession.Signing;

/// <summary>
/// A cookie value signed the way Connect's <c>utils.parseSignedCookie</c> and Express's
/// <c>cookie-parser</c> expect: <c>"s:" + value + "." + signature</c>, percent-encoded on the wire.
/// </summary>
internal static class SignedCookieValue
{
    /// <summary>The prefix of a signed value. Part of the wire format shared with Node: never change it.</summary>
    public static ReadOnlySpan<byte> SignedPrefix => "s:"u8;

    /// <summary>The prefix of a JSON value. Part of the wire format shared with Node: never change it.</summary>
    public static ReadOnlySpan<byte> JsonPrefix => "j:"u8;

    /// <summary>No browser sends a cookie larger than this; larger values are not even decoded.</summary>
    public const int MaxRawLength = 2 * CookieSessionDefaults.MaxCookieSize;

    /// <summary>
    /// Decodes a raw cookie value and verifies its signature. On success <paramref name="rented"/> holds the
    /// decoded bytes (return it to <see cref="ArrayPool{T}.Shared"/>) and the unsigned value lies at
    /// <paramref name="offset"/>, <paramref name="length"/>.
    /// </summary>
    public static SessionCookieRejection TryUnsign(
        ReadOnlySpan<char> raw,
        HmacSigner signer,
        out byte[]? rented,
        out int offset,
        out int length,
        out int keyIndex)
    {
        rented = null;
        if (raw.Length > MaxRawLength)
        {
            offset = length = 0;
            keyIndex = -1;
            return SessionCookieRejection.TooLarge;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, UriComponent.MaxDecodedLength(raw.Length)));
        var rejection = TryUnsign(raw, signer, buffer, out offset, out length, out keyIndex);
        if (rejection != SessionCookieRejection.None)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return rejection;
        }

        rented = buffer;
        return SessionCookieRejection.None;
    }

    /// <summary>
    /// As <see cref="TryUnsign(ReadOnlySpan{char}, HmacSigner, out byte[], out int, out int, out int)"/>, decoding into
    /// <paramref name="decoded"/>, where the unsigned value then lies at <paramref name="offset"/>, <paramref name="length"/>.
    /// <see cref="UriComponent.MaxDecodedLength"/> of the value's length is always long enough; a shorter one is enough
    /// for a value in ASCII as long as the value, and otherwise may refuse it as <see cref="SessionCookieRejection.MalformedEncoding"/>.
    /// </summary>
    public static SessionCookieRejection TryUnsign(
        ReadOnlySpan<char> raw,
        HmacSigner signer,
        Span<byte> decoded,
        out int offset,
        out int length,
        out int keyIndex)
    {
        offset = length = 0;
        keyIndex = -1;
        if (raw.Length > MaxRawLength)
        {
            return SessionCookieRejection.TooLarge;
        }

        if (!UriComponent.TryDecode(raw, decoded, out var written))
        {
            return SessionCookieRejection.MalformedEncoding;
        }

        var value = decoded[..written];
        var dot = value.LastIndexOf((byte)'.');
        if (!value.StartsWith(SignedPrefix) || dot < SignedPrefix.Length)
        {
            return SessionCookieRejection.Unsigned;
        }

        keyIndex = signer.Verify(value[SignedPrefix.Length..dot], value[(dot + 1)..]);
        if (keyIndex < 0)
        {
            return SessionCookieRejection.BadSignature;
        }

        offset = SignedPrefix.Length;
        length = dot - SignedPrefix.Length;
        return SessionCookieRejection.None;
    }

    /// <summary>Writes <c>"s:" + prefix + value + "." + signature</c>, the value to give <c>Response.Cookies</c>.</summary>
    public static void Sign(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> value, HmacSigner signer, ref PooledByteBuffer buffer)
    {
        var start = buffer.Length;
        buffer.Write(SignedPrefix);
        buffer.Write(prefix);
        buffer.Write(value);
        var end = buffer.Length;
        var signature = buffer.GetSpan(1 + signer.SignatureLength);
        signature[0] = (byte)'.';
        signer.Sign(buffer.WrittenSpan[(start + SignedPrefix.Length)..end], signature[1..]);
        buffer.Advance(1 + signer.SignatureLength);
    }
}
