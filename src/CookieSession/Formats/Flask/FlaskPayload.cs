using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using CookieSession.Json;

namespace CookieSession.Formats.Flask;

/// <summary>
/// The payload of itsdangerous's <c>URLSafeSerializer</c>: the JSON in URL-safe base64 without padding, or, when zlib
/// makes it shorter by more than a byte, a <c>.</c> and the base64 of the JSON compressed with zlib.
/// </summary>
/// <remarks>Part of the wire format shared with Flask: never change it.</remarks>
internal static class FlaskPayload
{
    /// <summary>The mark of a compressed payload.</summary>
    public const char CompressedMark = '.';

    /// <summary>
    /// The most bytes a compressed payload may inflate to: sixteen times the largest cookie, far more than any session
    /// Flask fits in a cookie, and a bound on the memory a small forged or leaked value can make a request take.
    /// </summary>
    public const int MaxInflatedLength = 16 * CookieSessionDefaults.MaxCookieSize;

    /// <summary>
    /// Decodes a payload (signature checked before) into a buffer rented from <see cref="ArrayPool{T}.Shared"/>, which the
    /// caller owns on success: the JSON is its first <paramref name="length"/> bytes. Not UTF-8 is checked by the caller.
    /// </summary>
    public static SessionCookieRejection TryDecode(ReadOnlySpan<char> payload, out byte[]? json, out int length)
    {
        json = null;
        length = 0;
        var compressed = !payload.IsEmpty && payload[0] == CompressedMark;
        var text = compressed ? payload[1..] : payload;
        var decoded = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64Url.GetMaxDecodedLength(text.Length)));
        if (Base64Url.DecodeFromChars(text, decoded, out _, out var decodedLength) != OperationStatus.Done)
        {
            ArrayPool<byte>.Shared.Return(decoded, clearArray: true);
            return SessionCookieRejection.MalformedEncoding;
        }

        if (!compressed)
        {
            json = decoded;
            length = decodedLength;
            return SessionCookieRejection.None;
        }

        try
        {
            return Inflate(decoded, decodedLength, out json, out length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded, clearArray: true);
        }
    }

    /// <summary>Appends the payload of <paramref name="json"/>: compressed when that saves more than a byte, as itsdangerous decides.</summary>
    public static void Encode(ReadOnlySpan<byte> json, ref PooledByteBuffer value)
    {
        using var deflated = new MemoryStream(json.Length + 16);
        using (var zlib = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(json);
        }

        var data = json;
        if (deflated.Length < json.Length - 1)
        {
            value.WriteByte((byte)CompressedMark);
            data = deflated.GetBuffer().AsSpan(0, (int)deflated.Length);
        }

        var span = value.GetSpan(Base64Url.GetEncodedLength(data.Length));
        value.Advance(Base64Url.EncodeToUtf8(data, span));
        deflated.GetBuffer().AsSpan(0, (int)deflated.Length).Clear();
    }

    /// <summary>Inflates at most <see cref="MaxInflatedLength"/> bytes into a rented buffer that the caller owns on success.</summary>
    private static SessionCookieRejection Inflate(byte[] compressed, int compressedLength, out byte[]? json, out int length)
    {
        json = null;
        length = 0;
        var inflated = ArrayPool<byte>.Shared.Rent(Math.Clamp(compressedLength * 4, 256, MaxInflatedLength + 1));
        var total = 0;
        try
        {
            using var source = new MemoryStream(compressed, 0, compressedLength, writable: false);
            using var zlib = new ZLibStream(source, CompressionMode.Decompress);
            while (true)
            {
                if (total == inflated.Length)
                {
                    if (total > MaxInflatedLength)
                    {
                        ArrayPool<byte>.Shared.Return(inflated, clearArray: true);
                        return SessionCookieRejection.TooLarge;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(inflated.Length * 2, MaxInflatedLength + 1));
                    inflated.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(inflated, clearArray: true);
                    inflated = larger;
                }

                // Never more than one byte past the limit: enough to know that it was passed.
                var read = zlib.Read(inflated, total, Math.Min(inflated.Length, MaxInflatedLength + 1) - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > MaxInflatedLength)
            {
                ArrayPool<byte>.Shared.Return(inflated, clearArray: true);
                return SessionCookieRejection.TooLarge;
            }

            json = inflated;
            length = total;
            return SessionCookieRejection.None;
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(inflated, clearArray: true);
            return SessionCookieRejection.MalformedEncoding;
        }
    }
}
